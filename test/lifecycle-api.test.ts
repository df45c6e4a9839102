// POST /api/lifecycle: a hand-made history with its weekly and monthly tables written out (new,
// returning, resurrecting, dormant; the period of a fixed now open; merged ids; filters), keys,
// and refusals naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { postJson } from './helpers/api-calls.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { READ_KEY, sql, startTestPulse, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

// A Wednesday: the week of Monday 2026-03-09 and the month of March are still open.
const NOW = Date.parse('2026-03-11T12:00:00Z')

let n = 0
const attended = (ids: { userId: string } | { anonymousId: string }, timestamp: string, properties: Record<string, unknown> = {}) => ({
  type: 'track', messageId: `l${++n}`, ...ids, event: 'Class Attended', timestamp, properties,
})

// Weeks of the range: w0 Feb 9, w1 Feb 16, w2 Feb 23, w3 Mar 2, w4 Mar 9 (open); w-1 is Feb 2.
const history = [
  attended({ userId: 'ann' }, '2026-01-05T10:00:00Z'),
  attended({ userId: 'ann' }, '2026-02-02T10:00:00Z'), // w-1
  attended({ userId: 'ann' }, '2026-02-10T10:00:00Z'), // w0
  attended({ userId: 'ann' }, '2026-02-24T10:00:00Z', { kind: 'trial' }), // w2
  attended({ userId: 'ann' }, '2026-02-25T10:00:00Z'), // w2
  attended({ userId: 'ann' }, '2026-03-10T10:00:00Z'), // w4
  attended({ userId: 'bob' }, '2026-02-17T10:00:00Z'), // w1, his first
  attended({ userId: 'bob' }, '2026-02-18T10:00:00Z'), // w1
  attended({ userId: 'bob' }, '2026-03-03T10:00:00Z'), // w3
  attended({ userId: 'cid' }, '2026-01-20T10:00:00Z'),
  attended({ userId: 'cid' }, '2026-02-11T10:00:00Z'), // w0
  attended({ userId: 'cid' }, '2026-02-16T00:00:00Z'), // w1 (Monday 00:00)
  attended({ userId: 'dee' }, '2026-02-02T10:00:00Z'), // w-1 only
  // eve: one person under two ids, first anonymous (w0), then signed in (w1).
  attended({ anonymousId: 'anon-eve' }, '2026-02-10T10:00:00Z'),
  { type: 'identify', messageId: 'l-eve-identify', anonymousId: 'anon-eve', userId: 'eve', timestamp: '2026-02-10T10:05:00Z' },
  attended({ userId: 'eve' }, '2026-02-17T10:00:00Z'),
  // fay: a trial class in w0 (filtered out below), a paid one in w1.
  attended({ userId: 'fay' }, '2026-02-10T10:00:00Z', { kind: 'trial' }),
  attended({ userId: 'fay' }, '2026-02-17T10:00:00Z', { kind: 'paid' }),
]

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('lifecycle-api', { now: NOW })
  expect(await sendBatch(pulse.url, JSON.stringify({ batch: history }))).toBe(200)
  await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) === history.length)
  await waitFor(() => sql(pulse.url, "SELECT uniqExact(person_id) AS n FROM person_ids WHERE id IN ('anon-eve', 'eve')"), (r) => Number(r[0].n) === 1)
}, 60_000)
afterAll(async () => {
  await pulse?.stop()
})

async function post(body: unknown, key: string | null = READ_KEY): Promise<{ status: number; json: any }> {
  return postJson(pulse.url, '/api/lifecycle', body, key)
}

const row = (start: string, fresh: number, returning: number, resurrecting: number, dormant: number, incomplete: boolean) => ({
  period_start: `${start}T00:00:00.000Z`, new: fresh, returning, resurrecting, dormant, incomplete,
})

const notTrial = [{ property: 'kind', op: 'neq', value: 'trial' }]

describe('POST /api/lifecycle', () => {
  it('needs a read key', async () => {
    expect((await post({ event: 'Class Attended' }, null)).status).toBe(401)
    expect((await post({ event: 'Class Attended' }, WRITE_KEY)).status).toBe(401)
  })

  it('labels each person in each week: new, returning, resurrecting, dormant', async () => {
    // Active weeks (classes that are not trials): ann Jan 5, w-1, w0, w2, w4; bob w1 (first), w3;
    // cid Jan 20, w0, w1; dee w-1; eve (both ids) w0 (first), w1; fay w1 (first: her w0 class is a trial).
    // w0: new eve; returning ann (w-1); resurrecting cid (Jan 20, not w-1); dormant dee.
    // w1: new bob, fay; returning cid, eve; dormant ann.
    // w2: resurrecting ann; dormant bob, cid, eve, fay.
    // w3: resurrecting bob (first w1); dormant ann.
    // w4 (open): resurrecting ann; dormant bob.
    const { status, json } = await post({ event: 'Class Attended', filters: notTrial, period: 'week', from: '2026-02-09', to: '2026-03-11T12:00:00Z' })
    expect(status).toBe(200)
    expect(json).toEqual({
      period: 'week',
      periods: [
        row('2026-02-09', 1, 1, 1, -1, false),
        row('2026-02-16', 2, 2, 0, -1, false),
        row('2026-02-23', 0, 0, 1, -4, false),
        row('2026-03-02', 0, 0, 1, -1, false),
        row('2026-03-09', 0, 0, 1, -1, true),
      ],
    })
  })

  it('labels by calendar month', async () => {
    // Without the filter fay's first class is in February too. Active months: ann Jan, Feb, Mar;
    // bob Feb, Mar; cid Jan, Feb; dee Feb; eve Feb; fay Feb.
    // Jan: new ann, cid. Feb: new bob, dee, eve, fay; returning ann, cid. Mar (open): returning ann,
    // bob; dormant cid, dee, eve, fay.
    const { json } = await post({ event: 'Class Attended', period: 'month', from: '2026-01-01', to: '2026-03-11T12:00:00Z' })
    expect(json).toEqual({
      period: 'month',
      periods: [
        row('2026-01-01', 2, 0, 0, 0, false),
        row('2026-02-01', 4, 2, 0, 0, false),
        row('2026-03-01', 0, 2, 0, -4, true),
      ],
    })
  })

  it('cuts days at 00:00 UTC', async () => {
    // Feb 15 (Sunday) and Feb 16: cid's class at Monday 00:00 is on Feb 16, after a class on Feb 11.
    const { json } = await post({ event: 'Class Attended', period: 'day', from: '2026-02-15', to: '2026-02-17' })
    expect(json.periods).toEqual([row('2026-02-15', 0, 0, 0, 0, false), row('2026-02-16', 0, 0, 1, 0, false)])
  })

  it('refuses a broken body with 400 naming the field', async () => {
    expect(await post('[')).toMatchObject({ status: 400, json: { error: { code: 'malformed_json' } } })
    const cases: Array<[unknown, string]> = [
      [{}, 'event'],
      [{ event: 'Class Attended', filters: [{ property: 'kind', op: 'eq' }] }, 'filters[0].value'],
      [{ event: 'Class Attended', period: 'quarter' }, 'period'],
      [{ event: 'Class Attended', period: 'day', from: '2020-01-01' }, 'from'],
      [{ event: 'Class Attended', from: '2026-01-01T00:00:00' }, 'from'],
      [{ event: 'Class Attended', breakdown: { property: 'kind' } }, 'breakdown'],
    ]
    for (const [body, field] of cases) {
      const { status, json } = await post(body)
      expect([field, status, json.error?.code, json.error?.message.startsWith(`${field}: `)]).toEqual([field, 400, 'invalid_lifecycle', true])
    }
  })
})
