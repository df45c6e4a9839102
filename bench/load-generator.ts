// Load generator, run as its own process: POSTs Segment batches with unique message ids to one
// endpoint for a fixed time, at full speed or a fixed request rate, and prints one JSON line.
// Usage: load-generator.ts <baseUrl> <writeKey> <seconds> <connections> <reqPerSecond|0> <eventsPerBatch> <runId> [persons]
// Each request brings 10 users: never seen before, or with `persons` > 0 drawn in turn from a pool
// of that many (returning customers once the pool has gone round).
import { Pool } from 'undici'

const [url, key, secondsArg, connArg, rateArg, batchArg, runId, personsArg = '0'] = process.argv.slice(2)
const persons = Number(personsArg)
const seconds = Number(secondsArg)
const connections = Number(connArg)
const rate = Number(rateArg)
const perBatch = Number(batchArg)

// One template per run; each request replaces the token, so every event id is unique.
const template = JSON.stringify({
  batch: Array.from({ length: perBatch }, (_, i) => ({
    type: 'track',
    event: i % 5 === 0 ? 'Order Completed' : 'Lesson Viewed',
    messageId: `${runId}-@R@-${i}`,
    userId: `user-@U${i % 10}@`,
    timestamp: '2026-11-23T10:00:00.000Z',
    properties: { course: `c-${i % 40}`, price: 19.9 + i, currency: 'EUR', tags: ['bench', 'load'], step: i },
    context: { library: { name: 'bench', version: '1' }, ip: '127.0.0.1' },
  })),
  sentAt: '2026-11-23T10:00:01.000Z',
})

const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 })
const headers = { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(key + ':').toString('base64') }
const latencies: number[] = []
let ok = 0
let other = 0
let errors = 0
let seq = 0
const statuses: Record<string, number> = {}
const started = performance.now()
const endAt = started + seconds * 1000

async function worker(): Promise<void> {
  while (performance.now() < endAt) {
    const n = seq++
    if (rate > 0) {
      const due = started + (n * 1000) / rate
      const wait = due - performance.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      if (performance.now() >= endAt) break
    }
    const body = template.replaceAll('@R@', String(n)).replace(/@U(\d)@/g, (_, k) => (persons > 0 ? `pool-${(n * 10 + Number(k)) % persons}` : `${n}-${k}`))
    const t0 = performance.now()
    try {
      const res = await pool.request({ path: '/v1/batch', method: 'POST', headers, body })
      await res.body.dump()
      latencies.push(performance.now() - t0)
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
      if (res.statusCode === 200) ok++
      else other++
    } catch {
      errors++
    }
  }
}

await Promise.all(Array.from({ length: connections }, worker))
const elapsed = (performance.now() - started) / 1000
await pool.close()
latencies.sort((a, b) => a - b)
const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0)
console.log(JSON.stringify({ requests: ok + other + errors, ok, other, errors, statuses, events: ok * perBatch, seconds: elapsed, p50: pct(0.5), p99: pct(0.99), max: latencies.at(-1) ?? 0 }))
