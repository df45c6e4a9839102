// bench/simulate: how fast the simulator produces events on its own (no network), so that it never
// limits the ingest benchmark: generation alone, and generation plus the JSON encoding that
// sending or writing NDJSON adds. Prints the latest bench/ingest figure's scale for comparison.
// Usage: npm run bench:simulate -- [--customers 20000]
import os from 'node:os'
import { parseArgs } from 'node:util'
import { simulate, simulationParams } from '../models/simulation/simulation.ts'

const { values } = parseArgs({ options: { customers: { type: 'string', default: '20000' } } })
const customers = Number(values.customers)
const params = simulationParams({ seed: 1, customers, days: 365, startMs: Date.UTC(2025, 0, 1) })
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

function measure(encode: boolean): { events: number; seconds: number; bytes: number } {
  const started = performance.now()
  let events = 0
  let bytes = 0
  for (const { events: list } of simulate(params)) {
    events += list.length
    if (encode) for (const e of list) bytes += JSON.stringify(e).length + 1
  }
  return { events, seconds: (performance.now() - started) / 1000, bytes }
}

console.log(`bench/simulate: ${fmt(customers)} people over 365 days, ${os.cpus().length} cores, one thread`)
measure(false) // warm-up
const gen = measure(false)
console.log(`  generation alone: ${fmt(gen.events)} events in ${gen.seconds.toFixed(2)} s: ${fmt(gen.events / gen.seconds)} events/s`)
const enc = measure(true)
console.log(`  generation + JSON encoding: ${fmt(enc.events / enc.seconds)} events/s, ${(enc.bytes / enc.events).toFixed(0)} bytes per event`)
console.log(`  peak RSS: ${(process.memoryUsage.rss() / 1024 / 1024).toFixed(0)} MB`)
