// Random small event sets through a real Pulse, then random paths and stickiness requests, each
// answer equal to the plain references (test/helpers/paths-reference.ts, stickiness-reference.ts):
// ties in time, gaps at and around the session gap, repeats, both anchors, top N, partial days,
// intervals across weeks and months.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePathsRequest } from '../models/analytics/paths-request.ts'
import { parseStickinessRequest } from '../models/analytics/stickiness-request.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { referencePaths, type PathEvent } from './helpers/paths-reference.ts'
import { referenceStickiness, type StickinessEvent } from './helpers/stickiness-reference.ts'
import { READ_KEY, sql, startTestPulse, waitFor } from './helpers/test-pulse.ts'

const DAY = 86_400_000
const MINUTE = 60_000
// Data set r lives in the 40 days from BASE + 40 r (its events in the first 10): its weeks and
// months start anywhere.
const BASE = Date.UTC(2021, 0, 20)
const NOW = BASE + 1000 * DAY

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('paths-stickiness-property', { now: NOW })
})
afterAll(async () => {
  await pulse?.stop()
})

const eventArb = fc.record({
  person: fc.integer({ min: 0, max: 2 }),
  event: fc.constantFrom('A', 'B', 'C', 'D'),
  type: fc.constantFrom('track', 'track', 'track', 'track', 'page', 'identify'),
  day: fc.integer({ min: 0, max: 9 }),
  // Steps of 10 minutes: ties, and gaps of exactly 10 and 30 minutes; 00:00 and 23:50 of a day.
  slot: fc.integer({ min: 0, max: 5 }),
  hour: fc.constantFrom(0, 23),
  plan: fc.option(fc.constantFrom('pro', 'free'), { nil: undefined }),
  secondRequest: fc.boolean(),
})

const timeArb = fc.record({ day: fc.integer({ min: 0, max: 10 }), hour: fc.constantFrom(0, 0, 12) })
const rangeArb = fc.tuple(timeArb, timeArb).filter(([a, b]) => a.day * 24 + a.hour < b.day * 24 + b.hour)

const pathsArb = fc.record({
  anchor: fc.constantFrom('none', 'start', 'end'),
  event: fc.constantFrom('A', 'B', 'C'),
  steps: fc.integer({ min: 2, max: 4 }),
  session_gap: fc.constantFrom('10m', '30m', '1d'),
  top: fc.integer({ min: 1, max: 3 }),
  excludeD: fc.boolean(),
  range: rangeArb,
})

const FILTERS = [
  { property: 'plan', op: 'eq', value: 'pro' },
  { property: 'plan', op: 'is_not_set' },
]
const stickinessArb = fc.record({
  event: fc.constantFrom('A', 'B'),
  period: fc.constantFrom('day', 'day', 'week', 'month'),
  interval: fc.constantFrom(undefined, 'week', 'month'),
  filter: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: FILTERS.length - 1 }), weight: 1 }),
  range: rangeArb,
})

const timeOf = (run: number, t: { day: number; hour: number }) => new Date(BASE + run * 40 * DAY + t.day * DAY + t.hour * 3_600_000).toISOString()

async function post(route: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(pulse.url + route, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

describe('POST /api/paths and /api/stickiness against the references', () => {
  it('answers every random request on every random event set as the references do', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 30, maxLength: 60 }),
        fc.array(pathsArb, { minLength: 4, maxLength: 4 }),
        fc.array(stickinessArb, { minLength: 3, maxLength: 3 }),
        async (events, pathRequests, stickinessRequests) => {
          run++
          const prefix = `r${run}-`
          const calls = events.map((e, i) => {
            const timestamp = new Date(BASE + run * 40 * DAY + e.day * DAY + e.hour * 3_600_000 + e.slot * 10 * MINUTE).toISOString()
            const common = { messageId: `${prefix}m${String(i).padStart(2, '0')}`, userId: `${prefix}u${e.person}`, timestamp }
            if (e.type === 'identify') return { ...common, type: 'identify' }
            const properties = e.plan === undefined ? {} : { plan: e.plan }
            return e.type === 'page' ? { ...common, type: 'page', name: e.event, properties } : { ...common, type: 'track', event: e.event, properties }
          })
          for (const part of [calls.filter((_, i) => !events[i].secondRequest), calls.filter((_, i) => events[i].secondRequest)]) {
            if (part.length) expect(await sendBatch(pulse.url, JSON.stringify({ batch: part }))).toBe(200)
          }
          const stored = await waitFor(
            () => sql<{ n: number }>(pulse.url, 'SELECT count() AS n FROM events_by_day WHERE startsWith(key_id, {p:String})', { p: prefix }),
            (r) => Number(r[0].n) === calls.length,
          )
          expect(Number(stored[0].n)).toBe(calls.length)
          const rows = await sql<{ key_id: string; event: string; type: string; ts: number; received: number; tie: string; properties: string }>(
            pulse.url,
            `SELECT key_id, event, type, toUnixTimestamp64Milli(ts) AS ts, toUnixTimestamp64Milli(received_at) AS received, toString(cityHash64(source, message_id)) AS tie, properties
             FROM events_by_day WHERE startsWith(key_id, {p:String})`,
            { p: prefix },
          )
          const pathEvents: PathEvent[] = rows.map((r) => ({ person: r.key_id, event: r.event, type: r.type, ts: Number(r.ts), receivedAt: Number(r.received), tie: BigInt(r.tie) }))
          const stickinessEvents: StickinessEvent[] = rows.map((r) => ({ person: r.key_id, event: r.event, ts: Number(r.ts), properties: JSON.parse(r.properties) }))

          for (const p of pathRequests) {
            const body: Record<string, unknown> = { steps: p.steps, session_gap: p.session_gap, top: p.top, from: timeOf(run, p.range[0]), to: timeOf(run, p.range[1]) }
            if (p.anchor === 'start') body.start_event = p.event
            if (p.anchor === 'end') body.end_event = p.event
            if (p.excludeD) body.exclude_events = ['D']
            const answer = await post('/api/paths', body)
            expect(answer.status, JSON.stringify(answer.json)).toBe(200)
            expect(answer.json, JSON.stringify(body)).toEqual(referencePaths(parsePathsRequest(body, NOW), pathEvents))
          }
          for (const s of stickinessRequests) {
            const body: Record<string, unknown> = { event: s.event, period: s.period, from: timeOf(run, s.range[0]), to: timeOf(run, s.range[1]) }
            if (s.interval !== undefined && s.period === 'day') body.interval = s.interval
            if (s.filter !== undefined) body.filters = [FILTERS[s.filter]]
            const passes = (e: StickinessEvent) => s.filter === undefined || (s.filter === 0 ? e.properties.plan === 'pro' : e.properties.plan === undefined)
            const answer = await post('/api/stickiness', body)
            expect(answer.status, JSON.stringify(answer.json)).toBe(200)
            expect(answer.json, JSON.stringify(body)).toEqual(referenceStickiness(parseStickinessRequest(body, NOW), stickinessEvents, passes))
          }
        },
      ),
      // Each run stores its events through the whole pipeline: shrinking would repeat that many times.
      { numRuns: 15, endOnFailure: true },
    )
  }, 300_000)
})
