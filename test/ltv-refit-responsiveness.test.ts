// A refit of a large population (200,000 customers) must not stop the HTTP edge: ingest requests
// sent while the refit runs are answered throughout, none waiting seconds behind the fit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { SeededRandom } from '../models/simulation/seeded-random.ts'
import { segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { ADMIN_KEY, sql, startTestPulse } from './helpers/test-pulse.ts'

const CUSTOMERS = 200_000
let pulse: RunningPulse

/**
 * Purchase events of customers drawn from BG/NBD (Gamma purchase rates, Beta drop-out) over 2025,
 * each order's value from Gamma-Gamma (a Gamma spend rate per customer): a population both models fit.
 */
function purchaseEvents(customers: number): Record<string, unknown>[] {
  const rng = new SeededRandom(7)
  const day0 = Date.UTC(2025, 0, 1)
  const rows: Record<string, unknown>[] = []
  for (let c = 0; c < customers; c++) {
    const rate = rng.gamma(0.9, 40) // purchases per day
    const dropOut = rng.beta(0.8, 4)
    const spendRate = rng.gamma(4, 30)
    const first = rng.uniform() * 300
    let t = 0
    for (let k = 0; ; k++) {
      const ts = new Date(day0 + (first + t) * 86_400_000).toISOString()
      rows.push({ source: 'test', message_id: `p-${c}-${k}`, type: 'track', event: 'Order Completed', user_id: `u${c}`, distinct_id: `u${c}`, ts, received_at: ts, revenue: Math.round(rng.gamma(6, spendRate) * 100) / 100 })
      t += rng.exponential(rate)
      if (first + t > 364 || rng.chance(dropOut)) break
    }
  }
  return rows
}

beforeAll(async () => {
  // CLV over 36 months: scoring, the larger part of a refit, takes three times the default's work,
  // so a refit on the HTTP thread would silence it for seconds.
  // The refit's re-tag of every person runs on after the answer, and a stop waits for its page in
  // progress (about 6 s alone, several times that beside the other test files): this test is about
  // answers during the refit, so its stop may take longer than a test Pulse's usual 30 s.
  pulse = await startTestPulse('ltv-refit-responsiveness', { ltvRefreshMinutes: 0, ltvMonths: 36, shutdownTimeoutMs: 120_000 })
  // The purchase history straight into the table: through HTTP it would take minutes.
  await pulse.clickhouse.client.insert({ table: 'events', values: purchaseEvents(CUSTOMERS), format: 'JSONEachRow', clickhouse_settings: { date_time_input_format: 'best_effort' } })
})
afterAll(async () => {
  await pulse?.stop()
}, 150_000)

describe('a refit of 200,000 customers', () => {
  it('leaves ingest answering while it runs', async () => {
    let running = true
    const started = performance.now()
    const refit = fetch(pulse.url + '/api/ltv/refresh', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify({ as_of: '2025-12-31' }) })
      .then(async (res) => ({ status: res.status, body: await res.json() }))
      .finally(() => (running = false))
    // When each ingest answer came: four senders, one small batch at a time each, while the refit runs.
    const answeredAt: number[] = []
    const statuses = new Set<number>()
    await Promise.all(
      [0, 1, 2, 3].map(async (sender) => {
        for (let n = 0; running; n++) {
          statuses.add(await sendBatch(pulse.url, segmentBatch(`refit-${sender}`, n, 5).body))
          if (running) answeredAt.push(performance.now())
        }
      }),
    )
    const { status, body } = await refit
    const ended = performance.now()
    expect(status).toBe(200)
    expect(body.fit.customers).toBe(CUSTOMERS)
    const [stored] = await sql<{ n: number }>(pulse.url, 'SELECT count() AS n FROM current_customer_scores')
    expect(Number(stored.n)).toBe(CUSTOMERS)
    expect([...statuses]).toEqual([200])
    // A fit on the HTTP thread leaves it silent for the whole fit (about 6 s alone, several times that
    // beside the other test files); on a worker thread answers keep coming, with gaps of a second or
    // two when the machine is busiest.
    const times = [started, ...answeredAt.sort((a, b) => a - b), ended]
    const longestSilence = Math.max(...times.slice(1).map((t, i) => t - times[i]))
    expect(answeredAt.length).toBeGreaterThan(50)
    expect(longestSilence).toBeLessThan(3000)
  }, 240_000)
})
