// bench/processor: the stream processor's own ceiling. Fills the stream through HTTP with the
// processor switched off (`--no-processor`), then starts `pulse serve` with it on and times how
// fast the backlog reaches ClickHouse, with the serve process's peak RSS. Comparing with
// bench/ingest shows what sharing two cores with ingest costs.
// Usage: npm run bench:processor -- [--seconds 10] [--tagging on|off] (off: the drain runs with --no-profiles)
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../pipelines/runtime/free-port.ts'
import { BATCH, childPid, committed, cpuSeconds, fmt, load, metric, rssMb, serve, stop, waitHttp } from './bench-harness.ts'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, tagging: { type: 'string', default: 'on' } } })
const SECONDS = Number(values.seconds)

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-proc-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  console.log(`bench/processor: fill for ${SECONDS} s with the processor off, then drain; ${BATCH} events per message, ${os.cpus().length} cores, tagging ${values.tagging === 'off' ? 'off (--no-profiles)' : 'on'}`)

  const ingestOnly = serve(dataDir, port, ['--no-processor', '--max-backlog', '100000000'])
  await waitHttp(url + '/readyz')
  const fill = await load(url, SECONDS, 32, 0, 'fill')
  await stop(ingestOnly)
  console.log(`  filled: ${fmt(fill.events)} events in ${fmt(fill.ok)} messages (${fmt(fill.events / fill.seconds)} events/s accepted)`)

  const started = performance.now()
  const full = serve(dataDir, port, values.tagging === 'off' ? ['--no-profiles'] : [])
  let peakRss = 0
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(full.pid!))), 250)
  await waitHttp(url + '/readyz')
  const ready = performance.now()
  // The CPU the drain costs: the serve process (its threads and the engine's) and its nats-server.
  const pids = [full.pid!, childPid(full.pid!, 'nats-server') ?? -1]
  const cpuAt = () => pids.map(cpuSeconds)
  const cpuBefore = cpuAt()
  let n = 0
  while (n < fill.events && performance.now() - ready < 300_000) {
    await new Promise((r) => setTimeout(r, 100))
    n = await metric(url, 'pulse_processor_stored_events_total')
  }
  const done = performance.now()
  const [serveCpu, natsCpu = 0] = cpuAt().map((c, i) => c - cpuBefore[i])
  clearInterval(sampler)
  n = await committed(url) // what a query sees, once each
  console.log(`  drained: ${fmt(n)} of ${fmt(fill.events)} events in ${((done - ready) / 1000).toFixed(1)} s after start-up (${((ready - started) / 1000).toFixed(1)} s): ${fmt(n / ((done - ready) / 1000))} events/s`)
  console.log(`  CPU while draining: pulse serve ${serveCpu.toFixed(1)} s (${((serveCpu / fill.events) * 1e6).toFixed(1)} us/event), its nats-server ${natsCpu.toFixed(1)} s (${((natsCpu / fill.events) * 1e6).toFixed(1)} us/event)`)
  console.log(`  serve process peak RSS while draining: ${peakRss.toFixed(0)} MB`)
  await stop(full)
  rmSync(dataDir, { recursive: true, force: true })
  if (n !== fill.events) process.exitCode = 1
}

await main()
