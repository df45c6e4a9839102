// bench/ingest: HTTP batches of 100 events -> JetStream -> ClickHouse committed, end to end.
// Pulse runs as `pulse serve` (embedded nats-server and engine) in its own process; the load
// generator is another process. Prints, from one run: the ceiling of a bare fastify route parsing
// the same bodies; Pulse's sustained accepted and committed events/s with zero-loss check; p50/p99
// latency at full load and at half of it; whether the committed rate holds when offered steadily;
// the serve process's peak RSS.
// Usage: npm run bench:ingest -- [--seconds 20] [--connections 32]
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../pipelines/free-port.ts'
import { BATCH, committed, fmt, load as loadWith, metric, rssMb, serve as serveChild, stop, tsChild, waitHttp } from './bench-harness.ts'

const load = (url: string, seconds: number, rate: number, runId: string) => loadWith(url, seconds, CONNECTIONS, rate, runId)
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, connections: { type: 'string', default: '32' } } })
const SECONDS = Number(values.seconds)
const CONNECTIONS = Number(values.connections)

async function main(): Promise<void> {
  console.log(`bench/ingest: ${SECONDS} s per phase, ${CONNECTIONS} connections, ${BATCH} events per request, ${os.cpus().length} cores`)

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
  const serve = serveChild(dataDir, port)
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

  // 3. Sustained: offer a steady rate and measure what is committed *during* the load. A rate
  // is sustainable when the backlog left at the end is under one second of load; otherwise try
  // 10% less (at most four tries, draining in between).
  let offered = Math.floor(committedFull / commitSeconds / BATCH)
  let sustainedRate = 0
  let sustainedEvents = 0
  for (let attempt = 0; attempt < 4 && !sustainedRate; attempt++) {
    const before = await stored()
    const startedAt = performance.now()
    const steady = await load(url, SECONDS, offered, `steady${attempt}`)
    const during = (await stored()) - before
    const seconds = (performance.now() - startedAt) / 1000
    sustainedEvents += steady.events
    const backlog = steady.events - during
    const ok = backlog <= offered * BATCH
    console.log(`  steady ${fmt(offered * BATCH)} events/s offered for ${seconds.toFixed(0)} s: ${fmt(during / seconds)} events/s committed during the load, backlog at the end ${fmt(backlog)} events (${(backlog / (offered * BATCH)).toFixed(1)} s) -> ${ok ? 'sustainable' : 'falls behind'}; p99 ${steady.p99.toFixed(1)} ms`)
    const target = before + steady.events
    while (now < target) {
      await new Promise((r) => setTimeout(r, 100))
      now = await stored()
    }
    if (ok) sustainedRate = offered
    else offered = Math.floor(offered * 0.9)
  }
  if (!sustainedRate) sustainedRate = offered
  console.log(`  sustained: ${fmt(sustainedRate * BATCH)} events/s`)

  // 4. Latency at half of the maximum load, the maximum being what the pipeline sustains (the
  // committed rate): ingest alone accepts more for a while, but only by building a backlog.
  const halfRate = Math.max(1, Math.floor(sustainedRate / 2))
  const half = await load(url, Math.min(10, SECONDS), halfRate, 'half')
  const target = now + half.events
  const t1 = performance.now()
  while (now < target && performance.now() - t1 < 120_000) {
    await new Promise((r) => setTimeout(r, 250))
    now = await stored()
  }
  console.log(`  half load (${fmt(halfRate * BATCH)} events/s, ${halfRate} req/s): p50 ${half.p50.toFixed(1)} ms, p99 ${half.p99.toFixed(1)} ms, max ${half.max.toFixed(1)} ms`)

  clearInterval(sampler)
  const accepted = full.events + sustainedEvents + half.events
  now = await committed(url)
  const lost = accepted - (now - startCount)
  console.log(`  zero loss: ${lost === 0 ? 'yes' : `NO, ${lost} accepted events missing`} (${fmt(now - startCount)} stored = ${fmt(accepted)} accepted)`)
  console.log(`  serve process peak RSS (ingest + processor + embedded ClickHouse): ${peakRss.toFixed(0)} MB`)
  await stop(serve)
  rmSync(dataDir, { recursive: true, force: true })
  if (lost !== 0) process.exitCode = 1
}

await main()
