// Random small event sets through a real Pulse, then random funnels through POST /api/funnels,
// each answer equal to the brute-force reference (test/helpers/funnel-reference.ts): every count,
// rate and time, every breakdown value, the incomplete flag, the time-to-convert histogram and
// conversion over time; and the persons of a random step through POST /api/funnels/persons, page
// by page, equal to the reference's and as many as the counts say.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFunnelRequest } from '../models/analytics/funnel-request.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { referenceHistogram, referenceOverTime, referencePersons } from './helpers/funnel-extras-reference.ts'
import { referenceFunnel, type ReferenceEvent } from './helpers/funnel-reference.ts'
import { READ_KEY, sql, startTestPulse, waitFor } from './helpers/test-pulse.ts'

const DAY = 86_400_000
const MINUTE = 60_000
const BASE = Date.UTC(2020, 0, 1)
// Data set r lives on day 10 r; "now" falls among them, so some funnels are still open. Each starts
// 7 minutes before midnight, so its days split it (and its weeks, when that midnight is a Monday's).
const NOW = BASE + 45 * DAY
const START_SHIFT = -7 * MINUTE

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('funnel-property', { now: NOW })
})
afterAll(async () => {
  await pulse?.stop()
})

const names = ['A', 'B', 'C', 'X'] as const
const eventArb = fc.record({
  person: fc.integer({ min: 0, max: 2 }),
  event: fc.constantFrom(...names, 'A', 'B', 'C'),
  // Few distinct minutes: many ties in time, and times exactly a window apart.
  minute: fc.integer({ min: 0, max: 14 }),
  c: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
  n: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  h: fc.option(fc.constantFrom('p', 'q'), { nil: undefined }),
  secondRequest: fc.boolean(),
})

const filterArb = fc.oneof(
  fc.constant({ property: 'c', op: 'eq', value: 'x' }),
  fc.constant({ property: 'c', op: 'neq', value: 'x' }),
  fc.constant({ property: 'n', op: 'gte', value: 2 }),
  fc.constant({ property: 'n', op: 'lt', value: 3 }),
  fc.constant({ property: 'n', op: 'in', value: [1, 3] }),
  fc.constant({ property: 'c', op: 'not_in', value: ['y'] }),
  fc.constant({ property: 'c', op: 'contains', value: 'x' }),
  fc.constant({ property: 'h', op: 'is_set' }),
  fc.constant({ property: 'h', op: 'is_not_set' }),
)

const durationArb = fc.constantFrom('1m', '2m', '5m', '10m', '15m')

const requestArb = fc
  .record({
    steps: fc.array(fc.record({ event: fc.constantFrom('A', 'B', 'C'), filters: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.array(filterArb, { minLength: 1, maxLength: 2 }), weight: 1 }) }), { minLength: 2, maxLength: 4 }),
    order: fc.constantFrom('ordered', 'ordered', 'strict', 'any'),
    window: durationArb,
    stepWindows: fc.array(fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: durationArb, weight: 1 }), { minLength: 4, maxLength: 4 }),
    exclusion: fc.option(fc.tuple(fc.nat(3), fc.nat(3)), { nil: undefined }),
    breakdown: fc.option(fc.record({ property: fc.constantFrom('c', 'n'), attribution: fc.constantFrom('first_touch', 'last_touch', 'step'), step: fc.nat(3) }), { nil: undefined }),
    hold: fc.boolean(),
    fromMinute: fc.integer({ min: 0, max: 4 }),
    toMinute: fc.integer({ min: 5, max: 15 }),
    histogram: fc.option(fc.record({ from: fc.nat(3), to: fc.nat(3), bins: fc.integer({ min: 1, max: 6 }) }), { nil: undefined }),
    interval: fc.option(fc.constantFrom('day', 'week'), { nil: undefined }),
  })
  .map((r) => {
    const n = r.steps.length
    const body: Record<string, unknown> = {
      steps: r.steps.map((s) => (s.filters ? { event: s.event, filters: s.filters } : { event: s.event })),
      order: r.order,
      window: r.window,
      from: new Date(r.fromMinute * MINUTE).toISOString(),
      to: new Date(r.toMinute * MINUTE).toISOString(),
    }
    if (r.order !== 'any') {
      body.step_windows = r.stepWindows.slice(0, n).map((w, i) => (i === 0 ? null : w))
      if (r.exclusion) {
        const [a, b] = [r.exclusion[0] % n, r.exclusion[1] % n].sort((x, y) => x - y)
        if (a < b) body.exclusions = [{ event: 'X', from_step: a, to_step: b }]
      }
    }
    if (r.breakdown) {
      const { property, attribution, step } = r.breakdown
      body.breakdown = attribution === 'step' ? { property, attribution, step: step % n } : { property, attribution }
    }
    if (r.hold) body.hold_constant = ['h']
    if (r.histogram) {
      const from = r.histogram.from % (n - 1)
      body.histogram = { from_step: from, to_step: from + 1 + (r.histogram.to % (n - 1 - from)), bins: r.histogram.bins }
    }
    if (r.interval) body.interval = r.interval
    return body
  })

/**
 * The request as the greedy walk takes it (sql/queries/funnel_walk_greedy.sql): ordered, no exclusion,
 * no step window, nothing held. Half of each run's requests are made so, so both walks are checked.
 */
function greedyShaped(body: Record<string, unknown>): Record<string, unknown> {
  const { step_windows: _w, exclusions: _x, hold_constant: _h, ...rest } = body
  return { ...rest, order: 'ordered' }
}

// Which persons to list for a request: its step taken modulo the steps (one fewer for dropped).
const personsArb = fc.record({ status: fc.constantFrom('dropped', 'converted'), step: fc.nat(3), limit: fc.integer({ min: 1, max: 3 }) })

/** The request's times moved to data set `run`'s day. */
function onDay(body: Record<string, unknown>, run: number): Record<string, unknown> {
  const shift = (t: unknown) => new Date(Date.parse(t as string) + BASE + run * 10 * DAY + START_SHIFT).toISOString()
  return { ...body, from: shift(body.from), to: shift(body.to) }
}

async function funnel(body: unknown, path = '/api/funnels'): Promise<{ status: number; json: any }> {
  const res = await fetch(pulse.url + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

/** Every page of the persons of `which`, against the reference and the step counts of `steps`. */
async function checkPersons(body: Record<string, unknown>, which: { status: string; step: number; limit: number }, steps: Array<{ persons: number }>, reference: ReferenceEvent[]) {
  const { histogram: _h, interval: _i, ...funnelBody } = body
  const n = steps.length
  const step = which.status === 'dropped' ? which.step % (n - 1) : which.step % n
  const listed: Array<{ person_id: string; ids: string[]; entered_at: string }> = []
  let cursor: string | null = null
  do {
    const page = await funnel({ ...funnelBody, status: which.status, step, limit: which.limit, ...(cursor ? { cursor } : {}) }, '/api/funnels/persons')
    expect(page.status, JSON.stringify(page.json)).toBe(200)
    expect(page.json.persons.length).toBeLessThanOrEqual(which.limit)
    listed.push(...page.json.persons)
    cursor = page.json.next_cursor
  } while (cursor)
  const ids = listed.map((p) => p.person_id)
  expect(ids, 'person id order across pages').toEqual([...ids].sort())
  const expected = referencePersons(parseFunnelRequest(funnelBody, NOW), reference, which.status as 'dropped' | 'converted', step)
  const byId = (a: { ids: string[] }, b: { ids: string[] }) => (a.ids[0] < b.ids[0] ? -1 : 1)
  expect(listed.map((p) => ({ ids: p.ids, entered_at: p.entered_at })).sort(byId), JSON.stringify({ funnelBody, step, which })).toEqual(
    expected.map((p) => ({ ids: [p.person], entered_at: p.entered_at })).sort(byId),
  )
  expect(listed.length).toBe(which.status === 'dropped' ? steps[step].persons - steps[step + 1].persons : steps[step].persons)
}

describe('POST /api/funnels against the reference', () => {
  it('answers every random funnel on every random event set as the reference does', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 10, maxLength: 30 }), fc.array(fc.tuple(requestArb, personsArb), { minLength: 6, maxLength: 6 }), async (events, requests) => {
        run++
        const prefix = `r${run}-`
        const day = BASE + run * 10 * DAY + START_SHIFT
        const calls = events.map((e, i) => ({
          type: 'track',
          messageId: `${prefix}m${String(i).padStart(2, '0')}`,
          userId: `${prefix}u${e.person}`,
          event: e.event,
          timestamp: new Date(day + e.minute * MINUTE).toISOString(),
          properties: Object.fromEntries(Object.entries({ c: e.c, n: e.n, h: e.h }).filter(([, v]) => v !== undefined)),
        }))
        // Two requests: ties in time are broken by the receive time, then the message id.
        for (const part of [calls.filter((_, i) => !events[i].secondRequest), calls.filter((_, i) => events[i].secondRequest)]) {
          if (part.length) expect(await sendBatch(pulse.url, JSON.stringify({ batch: part }))).toBe(200)
        }
        const stored = await waitFor(
          () => sql<{ n: number }>(pulse.url, 'SELECT count() AS n FROM events_by_day WHERE startsWith(key_id, {p:String})', { p: prefix }),
          (r) => Number(r[0].n) === calls.length,
          60_000,
        )
        expect(Number(stored[0].n)).toBe(calls.length)
        const rows = await sql<{ user_id: string; event: string; ts: number; received: number; tie: string; properties: string }>(
          pulse.url,
          `SELECT user_id, event, toUnixTimestamp64Milli(ts) AS ts, toUnixTimestamp64Milli(received_at) AS received, toString(cityHash64(source, message_id)) AS tie, properties
           FROM events WHERE startsWith(user_id, {p:String})`,
          { p: prefix },
        )
        const reference: ReferenceEvent[] = rows.map((r) => ({
          person: r.user_id, event: r.event, ts: Number(r.ts), receivedAt: Number(r.received), tie: BigInt(r.tie), properties: JSON.parse(r.properties),
        }))
        for (const [i, [template, which]] of requests.entries()) {
          const body = onDay(i >= requests.length / 2 ? greedyShaped(template) : template, run)
          const answer = await funnel(body)
          expect(answer.status, JSON.stringify(answer.json)).toBe(200)
          const parsed = parseFunnelRequest(body, NOW)
          const expected: Record<string, unknown> = { ...referenceFunnel(parsed, reference, NOW) }
          if (parsed.histogram) expected.histogram = referenceHistogram(parsed, reference)
          if (parsed.interval) expected.over_time = referenceOverTime(parsed, reference, NOW)
          expect(answer.json, JSON.stringify(body)).toEqual(expected)
          // Each page is a walk of its own: the persons of one funnel of each half per data set keep the run short.
          if (i === 0 || i === requests.length / 2) await checkPersons(body, which, answer.json.steps, reference)
        }
      }),
      // Each run stores its events through the whole pipeline: shrinking would repeat that hundreds of times.
      { numRuns: 20, endOnFailure: true },
    )
    // A minute or two on a quiet machine; a busy one (other suites, benchmarks) can take three times that.
  }, 600_000)
})
