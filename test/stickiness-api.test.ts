// POST /api/stickiness: hand-made histories with their tables written out (derived by hand beside
// each): UTC day edges, the range's edges, a merged identity counted once, intervals, filters,
// and refusals naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FixedClock } from '../pipelines/clock.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { postJson } from './helpers/api-calls.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { READ_KEY, sql, startTestPulse, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

// 2026-01-05 and 2026-01-12 are Mondays. The range of most requests: [01-05, 01-19), 14 days.
const NOW = Date.UTC(2026, 0, 19)
const t = (day: number, h = 0, m = 0, s = 0, ms = 0) => new Date(Date.UTC(2026, 0, day, h, m, s, ms)).toISOString()
let n = 0
const lesson = (user: { userId?: string; anonymousId?: string }, timestamp: string, properties: Record<string, unknown> = {}) => ({ type: 'track', messageId: `s${++n}`, ...user, event: 'Lesson Completed', timestamp, properties })

// Active days of Lesson Completed:
//   ann  01-05 (00:00:00.000 and 23:59:59.999: one day), 01-06 00:00, 01-07 (as anon-ann, identified
//        later: the same person), 01-12
//   bob  01-04 23:59:59.999 (before the range), 01-05 12:00, 01-18 23:59:59.999 (the range's last ms)
//   cid  01-10 (plan free), 01-19 00:00 (at `to`: outside)
//   dee  01-08 (plan pro); a Lesson Started the same week is another event
const HISTORY = [
  lesson({ userId: 'ann' }, t(5)), lesson({ userId: 'ann' }, t(5, 23, 59, 59, 999)), lesson({ userId: 'ann' }, t(6)),
  lesson({ anonymousId: 'anon-ann' }, t(7, 10)), { type: 'identify', messageId: 's-id', anonymousId: 'anon-ann', userId: 'ann', timestamp: t(7, 11) },
  lesson({ userId: 'ann' }, t(12, 10)),
  lesson({ userId: 'bob' }, t(4, 23, 59, 59, 999)), lesson({ userId: 'bob' }, t(5, 12)), lesson({ userId: 'bob' }, t(18, 23, 59, 59, 999)),
  lesson({ userId: 'cid' }, t(10, 9), { plan: 'free' }), lesson({ userId: 'cid' }, t(19)),
  lesson({ userId: 'dee' }, t(8, 9), { plan: 'pro' }), { type: 'track', messageId: 's-other', userId: 'dee', event: 'Lesson Started', timestamp: t(9) },
]

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('stickiness-api', {}, { clock: new FixedClock(NOW) })
  expect(await sendBatch(pulse.url, JSON.stringify({ batch: HISTORY }))).toBe(200)
  await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) === HISTORY.length)
  await waitFor(() => sql(pulse.url, "SELECT uniqExact(person_id) AS p, count() AS n FROM person_ids WHERE id IN ('anon-ann', 'ann')"), (r) => Number(r[0].n) === 2 && Number(r[0].p) === 1)
})
afterAll(async () => {
  await pulse?.stop()
})

async function post(body: unknown, key: string | null = READ_KEY): Promise<{ status: number; json: any }> {
  return postJson(pulse.url, '/api/stickiness', body, key)
}

/** The counts for n = 1..units, from the nonzero ones given. */
function counts(units: number, persons: Record<number, number>): Array<{ n: number; persons: number; share: number }> {
  const total = Object.values(persons).reduce((a, b) => a + b, 0)
  return Array.from({ length: units }, (_, i) => ({ n: i + 1, persons: persons[i + 1] ?? 0, share: persons[i + 1] ? persons[i + 1] / total : 0 }))
}

describe('POST /api/stickiness', () => {
  it('needs a read key', async () => {
    expect((await post({ event: 'Lesson Completed' }, null)).status).toBe(401)
    expect((await post({ event: 'Lesson Completed' }, WRITE_KEY)).status).toBe(401)
  })

  it('counts persons by active UTC days over the range', async () => {
    // ann 4 days (5, 6, 7, 12), bob 2 (5, 18), cid 1 (10), dee 1 (8).
    const { status, json } = await post({ event: 'Lesson Completed', from: '2026-01-05', to: '2026-01-19' })
    expect(status).toBe(200)
    expect(json).toEqual({
      event: 'Lesson Completed', period: 'day', interval: null,
      intervals: [{ from: '2026-01-05T00:00:00.000Z', to: '2026-01-19T00:00:00.000Z', units: 14, persons: 4, counts: counts(14, { 1: 2, 2: 1, 4: 1 }) }],
    })
  })

  it('takes the 30 days before now without a range', async () => {
    // [12-20, 01-19): bob's 01-04 is inside now, so he has 3 days.
    const { json } = await post({ event: 'Lesson Completed' })
    expect(json.intervals).toEqual([{ from: '2025-12-20T00:00:00.000Z', to: '2026-01-19T00:00:00.000Z', units: 30, persons: 4, counts: counts(30, { 1: 2, 3: 1, 4: 1 }) }])
  })

  it('counts the days of each week separately with an interval', async () => {
    // Week of 01-05: ann 3 (5, 6, 7), bob 1, cid 1, dee 1. Week of 01-12: ann 1 (12), bob 1 (18).
    const { json } = await post({ event: 'Lesson Completed', from: '2026-01-05', to: '2026-01-19', interval: 'week' })
    expect(json).toEqual({
      event: 'Lesson Completed', period: 'day', interval: 'week',
      intervals: [
        { from: '2026-01-05T00:00:00.000Z', to: '2026-01-12T00:00:00.000Z', units: 7, persons: 4, counts: counts(7, { 1: 3, 3: 1 }) },
        { from: '2026-01-12T00:00:00.000Z', to: '2026-01-19T00:00:00.000Z', units: 7, persons: 2, counts: counts(7, { 1: 2 }) },
      ],
    })
  })

  it('counts weeks, and units cut by the range edges', async () => {
    // Weeks: ann 2, bob 2, cid 1, dee 1.
    expect((await post({ event: 'Lesson Completed', from: '2026-01-05', to: '2026-01-19', period: 'week' })).json.intervals[0].counts).toEqual(counts(2, { 1: 2, 2: 2 }))
    // [01-05 12:00, 01-12 12:00) touches 8 days: ann's 01-05 00:00 is outside, her 23:59:59.999
    // inside; bob's 01-05 12:00 is at `from` (inside), his 01-18 outside. ann 4, bob 1, cid 1, dee 1.
    const cut = await post({ event: 'Lesson Completed', from: '2026-01-05T12:00:00Z', to: '2026-01-12T12:00:00Z' })
    expect(cut.json.intervals).toEqual([{ from: '2026-01-05T12:00:00.000Z', to: '2026-01-12T12:00:00.000Z', units: 8, persons: 4, counts: counts(8, { 1: 3, 4: 1 }) }])
    // Months: [12-29, 01-12) touches December and January; everyone was active in January only.
    const months = await post({ event: 'Lesson Completed', from: '2025-12-29', to: '2026-01-12', period: 'month' })
    expect(months.json.intervals).toEqual([{ from: '2025-12-29T00:00:00.000Z', to: '2026-01-12T00:00:00.000Z', units: 2, persons: 4, counts: counts(2, { 1: 4 }) }])
  })

  it('counts only the events passing the filters', async () => {
    const { json } = await post({ event: 'Lesson Completed', filters: [{ property: 'plan', op: 'eq', value: 'pro' }], from: '2026-01-05', to: '2026-01-19', period: 'week' })
    expect(json.intervals[0].counts).toEqual(counts(2, { 1: 1 }))
  })

  it('refuses a broken body with 400 naming the field', async () => {
    expect(await post('{"event":')).toMatchObject({ status: 400, json: { error: { code: 'malformed_json' } } })
    const cases: Array<[unknown, string]> = [
      [{}, 'event'],
      [{ event: 'Lesson Completed', period: 'year' }, 'period'],
      [{ event: 'Lesson Completed', period: 'week', interval: 'month' }, 'interval'],
      [{ event: 'Lesson Completed', interval: 'day' }, 'interval'],
      [{ event: 'Lesson Completed', filters: [{ property: 'plan', op: 'like', value: 'p' }] }, 'filters[0].op'],
      [{ event: 'Lesson Completed', from: '2026-01-19', to: '2026-01-05' }, 'from'],
      [{ event: 'Lesson Completed', from: '1990-01-01', to: '2026-01-05' }, 'from'],
      [{ event: 'Lesson Completed', steps: 3 }, 'steps'],
    ]
    for (const [body, field] of cases) {
      const { status, json } = await post(body)
      expect([field, status, json.error.code, json.error.message.startsWith(`${field}: `)]).toEqual([field, 400, 'invalid_stickiness', true])
    }
  })
})
