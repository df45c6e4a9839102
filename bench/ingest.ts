// bench/ingest: HTTP batches of 100 events -> JetStream -> ClickHouse committed, end to end.
// Pulse runs as `pulse serve` (embedded nats-server and engine) in its own process; the load
// generator is another process. Prints, from one run: the ceiling of a bare fastify route parsing
// the same bodies; Pulse's sustained accepted and committed events/s with zero-loss check; p50/p99
// latency at full load and at half of it; whether the committed rate holds when offered steadily;
// the serve process's peak RSS; and at half load, how soon an accepted event is visible in a query.
// Usage: npm run bench:ingest -- [--seconds 20] [--connections 32] [--steady EVENTS_PER_S] [--tagging on|off] [--serve-arg ARG ...] [--persons N]
// (--steady runs only the sustained search, starting at that rate; --tagging off runs Pulse with
// --no-profiles: the spine alone, without persons, features and tags; each --serve-arg is passed to
// `pulse serve`, e.g. --serve-arg=--batch-age-behind-ms=250 for batches that never wait; each request
// brings 10 users never seen before, or with --persons N 10 drawn in turn from a pool of N.)
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../pipelines/runtime/free-port.ts'
import { measureFreshness, type Freshness } from './freshness-probe.ts'
import { BATCH, committed, fmt, load as loadWith, metric, rssMb, serve as serveChild, stop, tsChild, waitHttp } from './bench-harness.ts'

const load = (url: string, seconds: number, rate: number, runId: string) => loadWith(url, seconds, CONNECTIONS, rate, runId, PERSONS)
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, connections: { type: 'string', default: '32' }, steady: { type: 'string' }, tagging: { type: 'string', default: 'on' }, 'serve-arg': { type: 'string', multiple: true, default: [] }, persons: { type: 'string', default: '0' } } })
const SERVE_ARGS = [...(values.tagging === 'off' ? ['--no-profiles'] : []), ...values['serve-arg']]
const SECONDS = Number(values.seconds)
const CONNECTIONS = Number(values.connections)
const PERSONS = Number(values.persons)

async function main(): Promise<void> {
  console.log(`bench/ingest: ${SECONDS} s per phase, ${CONNECTIONS} connections, ${BATCH} events per request, ${os.cpus().length} cores, tagging ${values.tagging === 'off' ? 'off (--no-profiles)' : 'on'}, ${PERSONS > 0 ? `users from a pool of ${fmt(PERSONS)}` : 'new users in every request'}${values['serve-arg'].length ? `, pulse serve ${values['serve-arg'].join(' ')}` : ''}`)
  if (values.steady) {
    const { rate, found } = await sustainedSearch(Math.floor(Number(values.steady) / BATCH))
    console.log(found ? `  sustained: ${fmt(rate * BATCH)} events/s` : `  sustained: below ${fmt(rate * BATCH)} events/s (none of the four tries held; start lower with --steady)`)
    return
  }

  // 1. Ceiling: bare fastify parsing the same bodies.
  const barePort = await freePort()
  const bare = tsChild('bare-fastify.ts', [String(barePort)])
  await waitHttp(`http://127.0.0.1:${barePort}/nothing`).catch(() => {})
  await new Promise((r) => setTimeout(r, 500))
  const ceiling = await load(`http://127.0.0.1:${barePort}`, Math.min(10, SECONDS), 0, 'bare')
  bare.kill('SIGTERM')
  console.log(`  bare fastify ceiling: ${fmt(ceiling.events / ceiling.seconds)} events/s (p50 ${ceiling.p50.toFixed(1)} ms, p99 ${ceiling.p99.toFixed(1)} ms)`)

  // 2. Pulse end to end.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const serve = serveChild(dataDir, port, SERVE_ARGS)
  await waitHttp(url + '/readyz')
  let peakRss = 0
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(serve.pid!))), 250)

  // Progress is read from the processor's counter (a count over the table would compete for
  // the same two cores); what queries see is checked with committed() at the end.
  const stored = () => metric(url, 'pulse_processor_stored_events_total')
  const startCount = await committed(url)
  const t0 = performance.now()
  const full = await load(url, SECONDS, 0, 'full')
  let now = startCount
  while (now - startCount < full.events && performance.now() - t0 < (SECONDS + 120) * 1000) {
    await new Promise((r) => setTimeout(r, 250))
    now = await stored()
  }
  const commitSeconds = (performance.now() - t0) / 1000
  const committedFull = now - startCount
  console.log(`  Pulse accepted:  ${fmt(full.events / full.seconds)} events/s (${fmt(full.events)} events, ${full.ok} requests 200, other ${JSON.stringify(full.statuses)}, errors ${full.errors}); p50 ${full.p50.toFixed(1)} ms, p99 ${full.p99.toFixed(1)} ms`)
  console.log(`  Pulse committed: ${fmt(committedFull / commitSeconds)} events/s (${fmt(committedFull)} of ${fmt(full.events)} accepted in ClickHouse after ${commitSeconds.toFixed(1)} s)`)

  clearInterval(sampler)
  const lost = full.events - ((await committed(url)) - startCount)
  console.log(`  zero loss after the burst: ${lost === 0 ? 'yes' : `NO, ${lost} accepted events missing`}`)
  await stop(serve)
  rmSync(dataDir, { recursive: true, force: true })
  if (lost !== 0) process.exitCode = 1

  // 3. Sustained: offer a steady rate and measure what is committed *during* the load. A rate
  // is sustainable when the backlog left at the end is under one second of load; otherwise try
  // 10% less (at most four tries), then once halfway back up. Each try runs on a fresh Pulse and
  // data folder, so that no try inherits the backlog or the merge work of the burst or of the
  // try before.
  const sustained = await sustainedSearch(Math.floor(committedFull / commitSeconds / BATCH))
  console.log(sustained.found ? `  sustained: ${fmt(sustained.rate * BATCH)} events/s` : `  sustained: below ${fmt(sustained.rate * BATCH)} events/s (none of the four tries held)`)

  // 4. Latency at half of the maximum load, the maximum being what the pipeline sustains: ingest
  // alone accepts more for a while, but only by building a backlog.
  const halfRate = Math.max(1, Math.floor(sustained.rate / 2))
  const half = await steadyTrial(halfRate, 'half', Math.min(10, SECONDS), true)
  console.log(`  half load (${fmt(halfRate * BATCH)} events/s, ${halfRate} req/s, fresh Pulse): p50 ${half.p50.toFixed(1)} ms, p99 ${half.p99.toFixed(1)} ms, max ${half.max.toFixed(1)} ms; all ${fmt(half.accepted)} accepted stored: ${half.lost === 0 ? 'yes' : `NO, ${half.lost} missing`}`)
  const f = half.freshness!
  console.log(`  freshness at half load (accepted -> visible in a query, ${f.samples} probes): p50 ${f.p50.toFixed(0)} ms, p95 ${f.p95.toFixed(0)} ms, max ${f.max.toFixed(0)} ms`)
  if (half.lost !== 0) process.exitCode = 1
  console.log(`  zero loss in every phase: ${process.exitCode ? 'NO' : 'yes'}`)
  console.log(`  serve process peak RSS (ingest + processor + embedded ClickHouse): burst ${peakRss.toFixed(0)} MB, steady ${Math.max(sustained.peakRss, half.peakRss).toFixed(0)} MB`)
}

/**
 * Requests/s that a fresh Pulse sustains: down by 10% from `offered` until a rate is sustainable
 * (at most four tries), then one try halfway back up to the last rate that was not.
 */
async function sustainedSearch(offered: number): Promise<{ rate: number; peakRss: number; found: boolean }> {
  let peakRss = 0
  let attempt = 0
  const sustainable = async (rate: number): Promise<boolean> => {
    const trial = await steadyTrial(rate, `steady${attempt++}`, SECONDS)
    peakRss = Math.max(peakRss, trial.peakRss)
    const ok = trial.backlog <= rate * BATCH
    console.log(`  steady ${fmt(rate * BATCH)} events/s offered for ${trial.seconds.toFixed(0)} s (fresh Pulse): ${fmt(trial.committed / trial.seconds)} events/s committed during the load, backlog at the start ${fmt(trial.backlogAtStart)} events (${(trial.backlogAtStart / (rate * BATCH)).toFixed(1)} s), at the end ${fmt(trial.backlog)} events (${(trial.backlog / (rate * BATCH)).toFixed(1)} s) -> ${ok ? 'sustainable' : 'falls behind'}; p99 ${trial.p99.toFixed(1)} ms; all ${fmt(trial.accepted)} accepted stored: ${trial.lost === 0 ? 'yes' : `NO, ${trial.lost} missing`}`)
    if (trial.lost !== 0) process.exitCode = 1
    return ok
  }
  let rate = offered
  let failed = 0
  let found = false
  for (let tries = 0; tries < 4 && !found; tries++) {
    if (await sustainable(rate)) found = true
    else {
      failed = rate
      rate = Math.floor(rate * 0.9)
    }
  }
  // No try held: the last one tried is an upper bound, not a sustained rate.
  if (!found) return { rate: failed, peakRss, found }
  const between = Math.floor((rate + failed) / 2)
  if (failed > 0 && between > rate && (await sustainable(between))) rate = between
  return { rate, peakRss, found }
}

interface SteadyTrial {
  seconds: number
  accepted: number
  committed: number
  /** Accepted and not yet committed when the measured load began (after the warm-up). */
  backlogAtStart: number
  backlog: number
  p50: number
  p99: number
  max: number
  lost: number
  peakRss: number
  freshness?: Freshness
}

const WARMUP_SECONDS = 5

/** One steady-rate try on a fresh `pulse serve` and data folder, after a warm-up; drains and checks for loss. */
async function steadyTrial(rate: number, runId: string, seconds: number, probeFreshness = false): Promise<SteadyTrial> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-steady-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const serve = serveChild(dataDir, port, SERVE_ARGS)
  let peakRss = 0
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(serve.pid!))), 250)
  try {
    await waitHttp(url + '/readyz')
    const stored = () => metric(url, 'pulse_processor_stored_events_total')
    // Warm-up at the same rate (code compiled, first parts written), not measured.
    const warm = await load(url, WARMUP_SECONDS, rate, `${runId}-warm`)
    const before = await stored()
    const startedAt = performance.now()
    const loading = load(url, seconds, rate, runId)
    const freshness = probeFreshness ? await measureFreshness(url, runId, loading) : undefined
    const steady = await loading
    const after = await stored()
    const elapsed = (performance.now() - startedAt) / 1000
    const accepted = warm.events + steady.events + (freshness?.sent ?? 0)
    const drainStart = performance.now()
    while ((await stored()) < accepted && performance.now() - drainStart < 120_000) await new Promise((r) => setTimeout(r, 100))
    const lost = accepted - (await committed(url))
    return { seconds: elapsed, accepted, committed: after - before, backlogAtStart: warm.events - before, backlog: accepted - after, p50: steady.p50, p99: steady.p99, max: steady.max, lost, peakRss, freshness }
  } finally {
    clearInterval(sampler)
    await stop(serve)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
