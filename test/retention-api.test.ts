// POST /api/retention: hand-made histories with their tables written out (first-time and recurring
// cohorts, on and on-or-after, day / week / month boundaries, open periods at a fixed now, merged
// ids, breakdown, filters), keys, and refusals naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { postJson } from './helpers/api-calls.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { READ_KEY, sql, startTestPulse, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

// A Wednesday: the week of Monday 2026-03-09 and the month of March are still open.
const NOW = Date.parse('2026-03-11T12:00:00Z')

type Ids = { userId: string } | { anonymousId: string }
let n = 0
const track = (ids: string | Ids, event: string, timestamp: string, properties: Record<string, unknown> = {}) => ({
  type: 'track', messageId: `r${++n}`, ...(typeof ids === 'string' ? { userId: ids } : ids), event, timestamp, properties,
})

const history = [
  // Weekly "Lesson Started" (weeks from Monday 2026-02-02: w0 Feb 2, w1 Feb 9, w2 Feb 16, w3 Feb 23, w4 Mar 2, w5 Mar 9).
  track('ann', 'Lesson Started', '2026-02-02T10:00:00Z'), // w0
  track('ann', 'Lesson Started', '2026-02-10T10:00:00Z'), // w1
  track('ann', 'Lesson Started', '2026-03-03T10:00:00Z'), // w4
  track('bob', 'Lesson Started', '2026-01-28T10:00:00Z'), // before the range: his first time
  track('bob', 'Lesson Started', '2026-02-04T10:00:00Z'), // w0
  track('bob', 'Lesson Started', '2026-02-18T10:00:00Z'), // w2
  track('cid', 'Lesson Started', '2026-02-12T10:00:00Z'), // w1
  track('cid', 'Lesson Started', '2026-02-13T10:00:00Z'), // w1
  track('cid', 'Lesson Started', '2026-02-27T10:00:00Z'), // w3
  track('dee', 'Lesson Started', '2026-02-25T10:00:00Z'), // w3
  track('dee', 'Lesson Started', '2026-03-10T10:00:00Z'), // w5, open at now
  // Day and week boundaries: "Signed Up" then "Order Completed".
  track('eve', 'Signed Up', '2026-02-10T23:59:59.999Z'),
  track('eve', 'Order Completed', '2026-02-11T00:00:00.000Z'), // the next day, the same week
  track('fay', 'Order Completed', '2026-02-10T08:00:00Z'), // before her sign-up: not a return
  track('fay', 'Signed Up', '2026-02-10T09:00:00Z'),
  track('fay', 'Order Completed', '2026-02-12T08:00:00Z'),
  track('gus', 'Signed Up', '2026-02-11T12:00:00Z'),
  track('gus', 'Order Completed', '2026-02-11T12:00:00Z'), // the same millisecond: at or after
  track('jay', 'Signed Up', '2026-02-15T23:59:59.999Z'), // Sunday
  track('jay', 'Order Completed', '2026-02-16T00:00:00.000Z'), // Monday: the next week
  // Month boundaries: "Account Opened" then "Invoice Paid".
  track('hal', 'Account Opened', '2026-01-31T23:30:00Z'),
  track('hal', 'Invoice Paid', '2026-02-01T00:10:00Z'),
  track('ivy', 'Account Opened', '2026-02-01T00:00:00Z'),
  track('ivy', 'Invoice Paid', '2026-03-01T00:00:00Z'),
  // Breakdown and filters: "Course Bought" then "Lesson Done".
  track('lea', 'Course Bought', '2026-02-20T09:00:00Z', { channel: 'search' }),
  track('lea', 'Course Bought', '2026-02-20T18:00:00Z', { channel: 'ads' }),
  track('lea', 'Lesson Done', '2026-02-21T09:00:00Z', { minutes: 30 }),
  track('max', 'Course Bought', '2026-02-20T09:00:00Z', { channel: 'ads' }),
  track('max', 'Lesson Done', '2026-02-21T09:00:00Z', { minutes: 5 }),
  track('ned', 'Course Bought', '2026-02-20T09:00:00Z'),
  track('ned', 'Lesson Done', '2026-02-21T09:00:00Z', { minutes: 12 }),
  track('ola', 'Course Bought', '2026-02-20T09:00:00Z', { channel: 'search', plan: 'free' }),
  track('ola', 'Lesson Done', '2026-02-21T09:00:00Z', { minutes: 40 }),
  // Two ids of one person: "Trial Started" as anonymous, then signed in, then "Trial Converted".
  track({ anonymousId: 'anon-kim' }, 'Trial Started', '2026-02-03T10:00:00Z'),
  { type: 'identify', messageId: 'r-kim-identify', anonymousId: 'anon-kim', userId: 'kim', timestamp: '2026-02-03T10:05:00Z' },
  track('kim', 'Trial Started', '2026-02-04T10:00:00Z'),
  track('kim', 'Trial Converted', '2026-02-10T10:00:00Z'),
]

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('retention-api', { now: NOW })
  expect(await sendBatch(pulse.url, JSON.stringify({ batch: history }))).toBe(200)
  await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) === history.length)
  await waitFor(() => sql(pulse.url, "SELECT uniqExact(person_id) AS n FROM person_ids WHERE id IN ('anon-kim', 'kim')"), (r) => Number(r[0].n) === 1)
}, 60_000)
afterAll(async () => {
  await pulse?.stop()
})

async function post(body: unknown, key: string | null = READ_KEY): Promise<{ status: number; json: any }> {
  return postJson(pulse.url, '/api/retention', body, key)
}

/** One cohort row as written out below: `open` has a '*' at each offset whose period was open at now. */
function cohort(start: string, size: number, persons: number[], open: string) {
  return {
    period_start: `${start}T00:00:00.000Z`,
    size,
    cells: persons.map((p, k) => ({ offset: k, persons: p, rate: size === 0 ? 0 : p / size, incomplete: open[k] === '*' })),
  }
}

const lessons = { cohort_event: { event: 'Lesson Started' }, period: 'week', periods: 4, from: '2026-02-02', to: '2026-03-11T12:00:00Z' }

describe('POST /api/retention', () => {
  it('needs a read key', async () => {
    expect((await post(lessons, null)).status).toBe(401)
    expect((await post(lessons, WRITE_KEY)).status).toBe(401)
  })

  it('puts each person in the cohort of their first time, and counts returns on each offset', async () => {
    // ann's first time is w0, cid's w1, dee's w3; bob's is before the range, so no cohort holds him.
    // ann returns in w0 (the cohort event itself), w1, w4 -> offsets 0, 1 (4 is past the table);
    // cid in w1, w3 -> offsets 0, 2; dee in w3, w5 -> offsets 0, 2. Cohort c's offset k is open
    // when week c + k is w5 (the week of now).
    const { status, json } = await post(lessons)
    expect(status).toBe(200)
    expect(json).toEqual({
      period: 'week',
      cohorts: [
        cohort('2026-02-02', 1, [1, 1, 0, 0], '....'),
        cohort('2026-02-09', 1, [1, 0, 1, 0], '....'),
        cohort('2026-02-16', 0, [0, 0, 0, 0], '...*'),
        cohort('2026-02-23', 1, [1, 0, 1, 0], '..**'),
        cohort('2026-03-02', 0, [0, 0, 0, 0], '.***'),
        cohort('2026-03-09', 0, [0, 0, 0, 0], '****'),
      ],
      breakdown: [],
    })
  })

  it('counts on-or-after returns: the offset or any later one, past the table too', async () => {
    // ann's latest return is offset 4, so offsets 0-3 all hold; cid's and dee's are offset 2.
    const { json } = await post({ ...lessons, retention_type: 'on_or_after' })
    expect(json.cohorts.map((c: { size: number; cells: Array<{ persons: number }> }) => [c.size, c.cells.map((x) => x.persons)])).toEqual([
      [1, [1, 1, 1, 1]],
      [1, [1, 1, 1, 0]],
      [0, [0, 0, 0, 0]],
      [1, [1, 1, 1, 0]],
      [0, [0, 0, 0, 0]],
      [0, [0, 0, 0, 0]],
    ])
  })

  it('puts a person in every recurring cohort they did the event in', async () => {
    // Cohorts per person (range only): ann w0, w1, w4; bob w0, w2; cid w1, w3; dee w3, w5.
    // on: ann w0 -> offsets 0, 1; w1 -> 0, 3; w4 -> 0. bob w0 -> 0, 2; w2 -> 0. cid w1 -> 0, 2;
    // w3 -> 0. dee w3 -> 0, 2; w5 -> 0.
    const on = await post({ ...lessons, cohort_type: 'recurring' })
    expect(on.json.cohorts).toEqual([
      cohort('2026-02-02', 2, [2, 1, 1, 0], '....'),
      cohort('2026-02-09', 2, [2, 0, 1, 1], '....'),
      cohort('2026-02-16', 1, [1, 0, 0, 0], '...*'),
      cohort('2026-02-23', 2, [2, 0, 1, 0], '..**'),
      cohort('2026-03-02', 1, [1, 0, 0, 0], '.***'),
      cohort('2026-03-09', 1, [1, 0, 0, 0], '****'),
    ])
    // on_or_after: the latest return after each cohort: ann w0 -> 4, w1 -> 3, w4 -> 0; bob w0 -> 2,
    // w2 -> 0; cid w1 -> 2, w3 -> 0; dee w3 -> 2, w5 -> 0.
    const after = await post({ ...lessons, cohort_type: 'recurring', retention_type: 'on_or_after' })
    expect(after.json.cohorts).toEqual([
      cohort('2026-02-02', 2, [2, 2, 2, 1], '....'),
      cohort('2026-02-09', 2, [2, 2, 2, 1], '....'),
      cohort('2026-02-16', 1, [1, 0, 0, 0], '...*'),
      cohort('2026-02-23', 2, [2, 1, 1, 0], '..**'),
      cohort('2026-03-02', 1, [1, 0, 0, 0], '.***'),
      cohort('2026-03-09', 1, [1, 0, 0, 0], '****'),
    ])
  })

  it('cuts days at 00:00 UTC and weeks at Monday 00:00 UTC; a return before the cohort event does not count', async () => {
    const orders = { cohort_event: { event: 'Signed Up' }, return_event: { event: 'Order Completed' } }
    // Days Feb 10 and 11. eve (Feb 10 23:59:59.999) orders 1 ms later, on Feb 11: offset 1. fay
    // ordered on Feb 10 before signing up (not a return), then on Feb 12: offset 2. gus orders in
    // the millisecond he signs up: offset 0.
    const days = await post({ ...orders, period: 'day', periods: 3, from: '2026-02-10', to: '2026-02-12' })
    expect(days.json).toEqual({ period: 'day', cohorts: [cohort('2026-02-10', 2, [0, 1, 1], '...'), cohort('2026-02-11', 1, [1, 0, 0], '...')], breakdown: [] })
    // The week of Monday Feb 9: eve, fay and gus order in it after signing up (offset 0); jay signs
    // up on Sunday 23:59:59.999 and orders 1 ms later, on Monday: offset 1.
    const weeks = await post({ ...orders, period: 'week', periods: 2, from: '2026-02-09', to: '2026-02-16' })
    expect(weeks.json.cohorts).toEqual([cohort('2026-02-09', 4, [3, 1], '..')])
  })

  it('cuts months at the calendar month, the month of now open', async () => {
    // hal opens on Jan 31 23:30 and pays 40 minutes later, in February: offset 1. ivy opens on
    // Feb 1 00:00 and pays on Mar 1 00:00: offset 1. `from` mid-January rounds down to Jan 1.
    // March (the month of now) is open: Jan's offset 2, Feb's offsets 1 and 2.
    const { json } = await post({ cohort_event: { event: 'Account Opened' }, return_event: { event: 'Invoice Paid' }, period: 'month', periods: 3, from: '2026-01-15', to: '2026-03-01' })
    expect(json).toEqual({ period: 'month', cohorts: [cohort('2026-01-01', 1, [0, 1, 0], '..*'), cohort('2026-02-01', 1, [0, 1, 0], '.**')], breakdown: [] })
  })

  it('counts two ids of one person once', async () => {
    // anon-kim and kim are one person: first time Feb 3 (w0, not Feb 4 as a second person), return Feb 10 (w1).
    const { json } = await post({ cohort_event: { event: 'Trial Started' }, return_event: { event: 'Trial Converted' }, period: 'week', periods: 2, from: '2026-02-02', to: '2026-02-09' })
    expect(json.cohorts).toEqual([cohort('2026-02-02', 1, [0, 1], '..')])
  })

  it('splits by the cohort event\'s property, after the filters of both events', async () => {
    // ola's purchase has plan "free": not in the cohort. lea's first purchase says "search" (her
    // second "ads"), max's "ads", ned's none. Returns need minutes >= 10: lea (30) and ned (12) on
    // the next day; max's 5 does not count.
    const { json } = await post({
      cohort_event: { event: 'Course Bought', filters: [{ property: 'plan', op: 'neq', value: 'free' }] },
      return_event: { event: 'Lesson Done', filters: [{ property: 'minutes', op: 'gte', value: 10 }] },
      period: 'day', periods: 2, from: '2026-02-20', to: '2026-02-21', breakdown: { property: 'channel' },
    })
    // Each value holds one person: by value, the unset one last.
    expect(json).toEqual({
      period: 'day',
      cohorts: [cohort('2026-02-20', 3, [0, 2], '..')],
      breakdown: [
        { value: 'ads', cohorts: [cohort('2026-02-20', 1, [0, 0], '..')] },
        { value: 'search', cohorts: [cohort('2026-02-20', 1, [0, 1], '..')] },
        { value: null, cohorts: [cohort('2026-02-20', 1, [0, 1], '..')] },
      ],
    })
  })

  it('refuses a broken body with 400 naming the field', async () => {
    expect(await post('{"cohort_event":')).toMatchObject({ status: 400, json: { error: { code: 'malformed_json' } } })
    const cases: Array<[unknown, string]> = [
      [{}, 'cohort_event'],
      [{ ...lessons, periods: 54 }, 'periods'],
      [{ ...lessons, periods: 2.5 }, 'periods'],
      [{ ...lessons, period: 'year' }, 'period'],
      [{ ...lessons, cohort_type: 'sometimes' }, 'cohort_type'],
      [{ ...lessons, retention_type: 'before' }, 'retention_type'],
      [{ ...lessons, return_event: { event: 'Lesson Done', filters: [{ property: 'minutes', op: 'about', value: 3 }] } }, 'return_event.filters[0].op'],
      [{ ...lessons, cohort_event: { name: 'Lesson Started' } }, 'cohort_event.name'],
      [{ ...lessons, from: '2026-03-12' }, 'from'],
      [{ ...lessons, period: 'day', from: '2024-01-01' }, 'from'],
      [{ ...lessons, to: '2026-02-30' }, 'to'],
      [{ ...lessons, breakdown: { property: '' } }, 'breakdown.property'],
      [{ ...lessons, window: '7d' }, 'window'],
    ]
    for (const [body, field] of cases) {
      const { status, json } = await post(body)
      expect([field, status, json.error?.code, json.error?.message.startsWith(`${field}: `)]).toEqual([field, 400, 'invalid_retention', true])
    }
  })
})
