// Hand-made histories where the greedy walk (ordered, no exclusions, no step windows, nothing
// held, no interval) and the frames walk (the same request with every step window as long as the
// window: the rules give the same answer, the other walk runs) must agree with each other and with
// the brute-force reference: counts, times, every breakdown attribution, histogram, persons pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFunnelRequest } from '../models/analytics/funnel-request.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { referenceHistogram, referencePersons } from './helpers/funnel-extras-reference.ts'
import { referenceFunnel, type ReferenceEvent } from './helpers/funnel-reference.ts'
import { READ_KEY, sql, startTestPulse, waitFor } from './helpers/test-pulse.ts'

const DAY = 86_400_000
const BASE = Date.UTC(2021, 2, 1)
const NOW = BASE + 60 * DAY

let pulse: RunningPulse
let reference: ReferenceEvent[] = []

interface Ev { user: string; event: string; at: number; props?: Record<string, unknown>; request?: number }

// Breakdown values of every JSON kind, and missing.
const VALUES: unknown[] = [null, undefined, 1, 1.5, 'x', '', '1', { b: 1, a: [2, 'z'] }, [1, 2], true, 9007199254740993, 'é ü', -0]

function histories(): Ev[] {
  const out: Ev[] = []
  const t = (s: number) => BASE + s * 1000
  // Same millisecond, one request: A and B tie on time and receive time (the hash decides).
  for (let p = 0; p < 40; p++) out.push({ user: `tie${p}`, event: 'A', at: t(10), props: { c: `a${p % 3}` } }, { user: `tie${p}`, event: 'B', at: t(10), props: { c: `b${p % 2}` } }, { user: `tie${p}`, event: 'C', at: t(10), props: { c: VALUES[p % VALUES.length] } })
  // Repeated steps A, A, B and A, B, A, B.
  for (let p = 0; p < 20; p++) {
    const base = 100 + p * 7
    out.push({ user: `rep${p}`, event: 'A', at: t(base), props: { c: VALUES[p % VALUES.length] } })
    if (p % 2) out.push({ user: `rep${p}`, event: 'A', at: t(base + (p % 3)), props: { c: VALUES[(p + 3) % VALUES.length] } })
    if (p % 3) out.push({ user: `rep${p}`, event: 'B', at: t(base + 2), props: { c: VALUES[(p + 5) % VALUES.length] } })
    if (p % 4 === 1) out.push({ user: `rep${p}`, event: 'A', at: t(base + 2) }, { user: `rep${p}`, event: 'B', at: t(base + 60) })
    if (p % 5 === 2) out.push({ user: `rep${p}`, event: 'C', at: t(base + 3599), props: { c: VALUES[(p + 7) % VALUES.length] } })
  }
  // Exactly at the window's end, and just past it.
  out.push({ user: 'edge1', event: 'A', at: t(5000) }, { user: 'edge1', event: 'B', at: t(5000 + 3600) })
  out.push({ user: 'edge2', event: 'A', at: t(5000) }, { user: 'edge2', event: 'B', at: t(5000 + 3600) + 1 })
  // A person with thousands of entries, a few B and C among them.
  for (let i = 0; i < 3000; i++) out.push({ user: 'heavy', event: 'A', at: t(10_000 + i * 5), props: { c: VALUES[i % VALUES.length] }, request: 1 + (i % 7) })
  for (let i = 0; i < 40; i++) out.push({ user: 'heavy', event: i % 2 ? 'C' : 'B', at: t(10_000 + i * 377 + 2), props: { c: VALUES[(i * 3) % VALUES.length] }, request: 9 })
  return out
}

beforeAll(async () => {
  pulse = await startTestPulse('funnel-walks-hand-made', { now: NOW })
  const events = histories()
  const byRequest = new Map<number, Ev[]>()
  for (const e of events) byRequest.set(e.request ?? 0, [...(byRequest.get(e.request ?? 0) ?? []), e])
  let m = 0
  for (const list of byRequest.values()) {
    for (let i = 0; i < list.length; i += 500) {
      const batch = list.slice(i, i + 500).map((e) => ({
        type: 'track', messageId: `hw-${m++}`, userId: e.user, event: e.event, timestamp: new Date(e.at).toISOString(),
        properties: e.props ? Object.fromEntries(Object.entries(e.props).filter(([, v]) => v !== undefined)) : {},
      }))
      expect(await sendBatch(pulse.url, JSON.stringify({ batch }))).toBe(200)
    }
  }
  await waitFor(() => sql<{ n: number }>(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) === events.length, 120_000)
  const rows = await sql<{ user_id: string; event: string; ts: number; received: number; tie: string; properties: string }>(
    pulse.url,
    'SELECT user_id, event, toUnixTimestamp64Milli(ts) AS ts, toUnixTimestamp64Milli(received_at) AS received, toString(cityHash64(source, message_id)) AS tie, properties FROM events',
  )
  expect(rows.length).toBe(events.length)
  reference = rows.map((r) => ({ person: r.user_id, event: r.event, ts: Number(r.ts), receivedAt: Number(r.received), tie: BigInt(r.tie), properties: JSON.parse(r.properties) }))
}, 180_000)

afterAll(async () => {
  await pulse?.stop()
})

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(pulse.url + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

/** The same request made to take the frames walk: every later step's window is the whole window. */
function framesShaped(body: Record<string, unknown>): Record<string, unknown> {
  const steps = body.steps as unknown[]
  return { ...body, step_windows: steps.map((_, i) => (i === 0 ? null : body.window)) }
}

const RANGE = { from: new Date(BASE).toISOString(), to: new Date(BASE + DAY).toISOString(), window: '1h' }
const STEPS = [
  [{ event: 'A' }, { event: 'B' }],
  [{ event: 'A' }, { event: 'A' }, { event: 'B' }],
  [{ event: 'A' }, { event: 'B' }, { event: 'C' }],
  [{ event: 'A' }, { event: 'C' }, { event: 'B' }, { event: 'A' }],
]
const BREAKDOWNS = [
  undefined,
  { property: 'c', attribution: 'first_touch' },
  { property: 'c', attribution: 'last_touch' },
  { property: 'c', attribution: 'step', step: 1 },
  { property: 'c', attribution: 'step', step: 2 },
]

describe('greedy and frames walks on hand-made histories', () => {
  for (const [si, steps] of STEPS.entries()) {
    for (const breakdown of BREAKDOWNS) {
      if (breakdown?.step !== undefined && breakdown.step >= steps.length) continue
      it(`steps ${si} breakdown ${JSON.stringify(breakdown)}`, async () => {
        const greedy: Record<string, unknown> = { ...RANGE, steps, histogram: { from_step: 0, to_step: steps.length - 1, bins: 7 }, ...(breakdown ? { breakdown } : {}) }
        const frames = framesShaped(greedy)
        const [g, f] = [await post('/api/funnels', greedy), await post('/api/funnels', frames)]
        expect(g.status, JSON.stringify(g.json)).toBe(200)
        expect(f.status, JSON.stringify(f.json)).toBe(200)
        const parsed = parseFunnelRequest(greedy, NOW)
        const expected = { ...referenceFunnel(parsed, reference, NOW), histogram: referenceHistogram(parsed, reference) }
        expect(g.json, 'greedy vs reference').toEqual(expected)
        expect(f.json, 'frames vs reference').toEqual(expected)
      }, 120_000)
    }
    it(`steps ${si}: persons of every step, both walks, page by page`, async () => {
      const body: Record<string, unknown> = { ...RANGE, steps }
      for (const status of ['dropped', 'converted'] as const) {
        for (let step = 0; step < (status === 'dropped' ? steps.length - 1 : steps.length); step++) {
          const expected = referencePersons(parseFunnelRequest(body, NOW), reference, status, step).map((p) => ({ ids: [p.person], entered_at: p.entered_at }))
          for (const shaped of [body, framesShaped(body)]) {
            const listed: Array<{ ids: string[]; entered_at: string }> = []
            let cursor: string | null = null
            do {
              const page = await post('/api/funnels/persons', { ...shaped, status, step, limit: 7, ...(cursor ? { cursor } : {}) })
              expect(page.status, JSON.stringify(page.json)).toBe(200)
              listed.push(...page.json.persons.map((p: { ids: string[]; entered_at: string }) => ({ ids: p.ids, entered_at: p.entered_at })))
              cursor = page.json.next_cursor
            } while (cursor)
            const byId = (a: { ids: string[] }, b: { ids: string[] }) => (a.ids[0] < b.ids[0] ? -1 : 1)
            expect(listed.sort(byId), JSON.stringify({ status, step, frames: shaped !== body })).toEqual([...expected].sort(byId))
          }
        }
      }
    }, 300_000)
  }
})
