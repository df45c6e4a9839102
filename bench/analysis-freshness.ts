// bench/analysis-freshness: ingest while an analyst works. A `pulse serve` is first filled at full
// speed; then, at a steady rate (half the sustained rate by default), a probe times every 250 ms
// how long an accepted event takes to be visible in a query, once with no analyst (the baseline,
// same run, same data) and once while an analyst runs funnels back to back through the HTTP API.
// Prints both freshness distributions, the analyst queries' times and the zero-loss check.
// Usage: npm run bench:analysis-freshness -- [--fill-seconds 30] [--rate 24000] [--seconds 20]
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../pipelines/runtime/free-port.ts'
import { BATCH, READ_KEY, committed, fmt, load, metric, serve, stop, waitHttp } from './bench-harness.ts'
import { measureFreshness, type Freshness } from './freshness-probe.ts'

const { values } = parseArgs({ options: { 'fill-seconds': { type: 'string', default: '30' }, rate: { type: 'string', default: '24000' }, seconds: { type: 'string', default: '20' } } })
const CONNECTIONS = 32

/** The analyst's work: funnels over every event loaded (the load generator's events carry one time). */
const ANALYSES: Array<{ name: string; body: object }> = [
  { name: '2-step funnel', body: { steps: [{ event: 'Lesson Viewed' }, { event: 'Order Completed' }], window: '1d', from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' } },
  {
    name: '3-step funnel with breakdown',
    body: {
      steps: [{ event: 'Lesson Viewed' }, { event: 'Lesson Viewed', filters: [{ property: 'step', op: 'gt', value: 50 }] }, { event: 'Order Completed' }],
      window: '1d', breakdown: { property: 'course', attribution: 'first_touch' }, from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z',
    },
  },
]

async function analyst(url: string, until: Promise<unknown>): Promise<Map<string, number[]>> {
  let done = false
  void until.then(() => (done = true))
  const times = new Map<string, number[]>(ANALYSES.map((a) => [a.name, []]))
  for (let i = 0; !done; i++) {
    const { name, body } = ANALYSES[i % ANALYSES.length]
    const started = performance.now()
    const res = await fetch(url + '/api/funnels', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` }, body: JSON.stringify(body) })
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${await res.text()}`)
    await res.arrayBuffer()
    times.get(name)!.push(performance.now() - started)
  }
  return times
}

function line(label: string, f: Freshness): string {
  return `  ${label} (${f.samples} probes): p50 ${f.p50.toFixed(0)} ms, p95 ${f.p95.toFixed(0)} ms, max ${f.max.toFixed(0)} ms`
}

async function drained(url: string, accepted: number): Promise<void> {
  const started = performance.now()
  while ((await metric(url, 'pulse_processor_stored_events_total')) < accepted && performance.now() - started < 300_000) await new Promise((r) => setTimeout(r, 250))
}

async function main(): Promise<void> {
  const rate = Math.max(1, Math.floor(Number(values.rate) / BATCH))
  const seconds = Number(values.seconds)
  console.log(`bench/analysis-freshness: fill ${values['fill-seconds']} s at full speed, then ${fmt(rate * BATCH)} events/s for ${seconds} s without and with an analyst, ${os.cpus().length} cores`)
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-analysis-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = serve(dataDir, port, process.env.BENCH_SERVE_ARGS ? process.env.BENCH_SERVE_ARGS.split(' ') : [])
  try {
    await waitHttp(url + '/readyz')
    const fill = await load(url, Number(values['fill-seconds']), CONNECTIONS, 0, 'fill')
    let accepted = fill.events
    await drained(url, accepted)
    console.log(`  filled: ${fmt(fill.events)} events (${fmt(fill.events / BATCH * 10)} persons) stored`)

    const quiet = load(url, seconds, CONNECTIONS, rate, 'quiet')
    const baseline = await measureFreshness(url, 'quiet', quiet)
    accepted += (await quiet).events + baseline.sent
    await drained(url, accepted)

    const busy = load(url, seconds, CONNECTIONS, rate, 'busy')
    const [underAnalysis, times] = await Promise.all([measureFreshness(url, 'busy', busy), analyst(url, busy)])
    accepted += (await busy).events + underAnalysis.sent
    await drained(url, accepted)

    console.log(line('freshness, no analyst (baseline)', baseline))
    console.log(line('freshness, analyst running funnels back to back', underAnalysis))
    for (const [name, ms] of times) {
      ms.sort((a, b) => a - b)
      if (ms.length === 0) console.log(`  analyst: ${name}: not reached before the load ended`)
      else console.log(`  analyst: ${name}: ${ms.length} runs, median ${ms[Math.floor(ms.length / 2)].toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms`)
    }
    const lost = accepted - (await committed(url))
    console.log(`  zero loss: ${lost === 0 ? 'yes' : `NO, ${lost} accepted events missing`}`)
    if (lost !== 0) process.exitCode = 1
  } finally {
    await stop(child)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
