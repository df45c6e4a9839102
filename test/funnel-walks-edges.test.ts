// The greedy funnel walk (sql/queries/funnel_walk_greedy.sql) at the edges: random event sets
// at the edges of the event time range (1900-01-01, 2299-12-31), many events at the same ms and
// received time, up to 20 steps naming the same events, the longest window, breakdowns with
// missing / null / numeric / text values under every attribution. Each greedy answer must equal
// the frames walk's for the same request (an exclusion of an event nobody sends forces it).
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { parseFunnelRequest } from '../models/analytics/funnel-request.ts'
import { referenceFunnel, type ReferenceEvent } from './helpers/funnel-reference.ts'
import { READ_KEY, sql, startTestPulse, waitFor } from './helpers/test-pulse.ts'

// "now" in the middle of the range, so funnels entered shortly before it are still open.
const NOW = Date.UTC(2026, 0, 1, 0, 30)

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('funnel-walks-edges', { now: NOW })
})
afterAll(async () => {
  await pulse?.stop()
})

async function post(route: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(pulse.url + route, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}
const onFrames = (body: Record<string, unknown>) => ({ ...body, exclusions: [{ event: 'Never Sent', from_step: 0, to_step: 1 }] })

const MIN = Date.UTC(1900, 0, 1)
const MAX = Date.UTC(2299, 11, 31, 23, 59, 59, 999)
const DAY = 86_400_000
const W3650 = 3650 * DAY
// Times at the range's edges, exactly a window apart, and the same ms many times.
const anchors = [MIN, MIN + 1, Date.UTC(2026, 0, 1), MAX - W3650, MAX]

const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
const propValue = fc.constantFrom<unknown>(undefined, null, 'x', 'y', 7, 7.5, '7', true, { o: 1 })

// Offsets from a run's base time: ties, a window apart to the ms, and on either side of it.
const offsets = [0, 0, 0, 1, 1000, 59_999, 60_000, 60_001, DAY, DAY + 1, W3650 - 1, W3650, W3650 + 1]
const eventArb = fc.record({
  person: fc.integer({ min: 0, max: 2 }),
  event: fc.constantFrom('A', 'B', 'C'),
  at: fc.constantFrom(...offsets),
  receivedShift: fc.constantFrom(0, 0, 0, 1),
  prop: propValue,
})
const requestArb = fc.record({
  steps: fc.oneof(fc.array(fc.constantFrom('A', 'B', 'C'), { minLength: 2, maxLength: 4 }), fc.array(fc.constantFrom('A', 'B', 'C'), { minLength: 2, maxLength: 20 })),
  window: fc.constantFrom('1m', '1d', '3650d'),
  range: fc.constantFrom(['1900-01-01', '2300-01-01'], ['1900-01-01', '2026-01-01'], ['2026-01-01', '2300-01-01'], ['1900-01-01', '1900-01-02'], ['2026-01-01', '2026-01-02'], ['2299-12-31', '2300-01-01']),
  breakdown: fc.option(fc.constantFrom({ property: 'b', attribution: 'first_touch' }, { property: 'b', attribution: 'last_touch' }, { property: 'b', attribution: 'step', step: 1 }, { property: 'b', attribution: 'step', step: 0 }), { nil: undefined }),
})

let run = 0
describe('the greedy walk at the edges', () => {
  it('answers as the frames walk', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 40 }), requestArb, fc.constantFrom(...anchors), fc.boolean(), fc.record({ status: fc.constantFrom('dropped', 'converted'), step: fc.nat(19), limit: fc.integer({ min: 1, max: 2 }) }), async (events, req, base, backwards, which) => {
        // From the base forwards, or backwards from it (the end of the range), clamped to the range.
        const at = (o: number) => Math.min(MAX, Math.max(MIN, backwards ? base - o : base + o))
        const r = ++run
        const name = (e: string) => `r${r}-${e}`
        const rows = events.map((e, i) => ({
          source: 'edges', message_id: `r${r}-${i}`, type: 'track', event: name(e.event), user_id: `r${r}-u${e.person}`,
          ts: iso(at(e.at)), original_ts: iso(at(e.at)), received_at: iso(Math.min(MAX, at(e.at) + e.receivedShift)),
          properties: JSON.stringify(e.prop === undefined ? {} : { b: e.prop }),
        }))
        await pulse.clickhouse.client.insert({ table: 'events', format: 'JSONEachRow', values: rows })
        await waitFor(() => sql(pulse.url, `SELECT count() AS n FROM events_by_day WHERE message_id LIKE 'r${r}-%'`), (x) => Number(x[0].n) === rows.length)
        const body: Record<string, unknown> = { steps: req.steps.map((s) => ({ event: name(s) })), window: req.window, from: req.range[0], to: req.range[1] }
        if (req.breakdown) body.breakdown = { ...req.breakdown, step: req.breakdown.attribution === 'step' ? Math.min(req.breakdown.step ?? 0, req.steps.length - 1) : undefined }
        const greedy = await post('/api/funnels', body)
        const frames = await post('/api/funnels', onFrames(body))
        expect({ body, status: greedy.status, json: greedy.json }).toEqual({ body, status: frames.status, json: frames.json })
        // And as the brute-force reference answers (its chains are tried exhaustively: short funnels only).
        if (req.steps.length <= 6 && greedy.status === 200) {
          const stored = await sql<{ user_id: string; event: string; ts: number; received: number; tie: string; properties: string }>(pulse.url,
            `SELECT user_id, event, toUnixTimestamp64Milli(ts) AS ts, toUnixTimestamp64Milli(received_at) AS received, toString(cityHash64(source, message_id)) AS tie, properties
             FROM events WHERE startsWith(message_id, {p:String})`, { p: `r${r}-` })
          const reference: ReferenceEvent[] = stored.map((x) => ({ person: x.user_id, event: x.event, ts: Number(x.ts), receivedAt: Number(x.received), tie: BigInt(x.tie), properties: JSON.parse(x.properties) }))
          expect({ body, reference: greedy.json }).toEqual({ body, reference: { ...referenceFunnel(parseFunnelRequest(body, NOW), reference, NOW) } })
        }
        const n = req.steps.length
        const step = which.status === 'dropped' ? which.step % (n - 1) : which.step % n
        const pages = async (b: Record<string, unknown>) => {
          const out: unknown[] = []
          let cursor: string | null = null
          do {
            const page = await post('/api/funnels/persons', { ...b, status: which.status, step, limit: which.limit, ...(cursor ? { cursor } : {}) })
            if (page.status !== 200) return { status: page.status, json: page.json }
            const j = page.json as { persons: unknown[]; next_cursor: string | null }
            out.push(...j.persons)
            cursor = j.next_cursor
          } while (cursor)
          return out
        }
        expect({ body, which, persons: await pages(body) }).toEqual({ body, which, persons: await pages(onFrames(body)) })
      }),
      { numRuns: 25, endOnFailure: true },
    )
  })
})
