// Ingest while a read key runs one heavy /api/sql query with a bound parameter: events accepted
// meanwhile are stored (profiles on, the default) long before the query's time limit ends it. The
// query's parameters are read from a stored row, so it holds none of the bound statements of the
// profile stage behind it (sql/read-path/analysis-session.ts); one whose parameters could only be
// bound is refused before it runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { READ_KEY, sql, startTestPulse, waitFor } from './helpers/test-pulse.ts'

const QUERY_TIMEOUT_S = 20

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('bound-query-beside-ingest', { queryTimeoutS: QUERY_TIMEOUT_S })
})
afterAll(async () => {
  await pulse?.stop()
})

function batch(tag: string): string {
  return JSON.stringify({ batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', messageId: `${tag}-${i}`, userId: `${tag}-u${i}`, event: 'Stall Probe' })) })
}

/** Events stored so far: the read session is busy with the heavy query, so the metric, not /api/sql. */
async function stored(): Promise<number> {
  const text = await fetch(pulse.url + '/metrics').then((r) => r.text())
  const line = text.split('\n').find((l) => l.startsWith('pulse_processor_stored_events_total'))
  return Number(line?.split(' ').pop() ?? 0)
}

describe('a heavy /api/sql query with a bound parameter', () => {
  it('does not stop event storage', async () => {
    expect(await sendBatch(pulse.url, batch('before'))).toBe(200)
    await waitFor(() => sql<{ n: number }>(pulse.url, 'SELECT count() AS n FROM events'), (r) => Number(r[0].n) === 20, 30_000)
    const base = await stored()
    const heavy = fetch(pulse.url + '/api/sql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` },
      body: JSON.stringify({ query: 'SELECT count() AS n FROM numbers(100000000000) WHERE sipHash64(number) % {m:UInt64} = 1', params: { m: 7 } }),
    }).then(async (r) => ({ status: r.status, body: await r.text(), at: performance.now() }))
    // Let the heavy query start (it answers only when the time limit stops it).
    await new Promise((r) => setTimeout(r, 2000))
    // A steady trickle, as ingest sees it: one request every 400 ms for 4 s.
    for (let i = 0; i < 10; i++) {
      expect(await sendBatch(pulse.url, batch(`during${i}`))).toBe(200)
      await new Promise((r) => setTimeout(r, 400))
    }
    const sent = performance.now()
    const after = await waitFor(() => stored(), (n) => n >= base + 200, (QUERY_TIMEOUT_S - 8) * 1000)
    const waited = performance.now() - sent
    expect(after, `stored ${after - base} of 200 within ${Math.round(waited)} ms of the last request, while the query ran`).toBeGreaterThanOrEqual(base + 200)
    expect(waited).toBeLessThan(5000)
    const answer = await heavy
    expect(answer.status, answer.body).toBe(400)
  }, 120_000)

  it('is refused at once when a parameter could only be bound', async () => {
    const started = performance.now()
    const res = await fetch(pulse.url + '/api/sql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` },
      body: JSON.stringify({ query: 'SELECT count() AS n FROM numbers(100000000000) WHERE sipHash64(number) % 7 = {m:Decimal(10, 2)}', params: { m: '1' } }),
    })
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(res.status).toBe(400)
    expect(body.error.code).toBe('invalid_params')
    expect(body.error.message).toContain('{m:Decimal(10, 2)}')
    expect(performance.now() - started).toBeLessThan(QUERY_TIMEOUT_S * 1000 / 4)
  })
})
