// Rolling features through the real processor: a scripted history is sent over HTTP, the
// processor stores its facts, and readPersonFeatures at several `now`s must equal a reference
// computed here from the same events, straight from the definitions in
// models/tags/person-features.ts. Copies (an SDK retry re-stamped, a replay of the whole stream)
// change nothing, rows the engine refuses leave no facts, and a person's features are the union
// of its ids' facts.
import { afterAll, describe, expect, it } from 'vitest'
import pino from 'pino'
import { startNatsServer, type EmbeddedNats } from '../pipelines/runtime/embedded-nats.ts'
import { connectNats, startPulse, type RunningPulse } from '../pipelines/pulse-app.ts'
import { replayFromStart } from '../pipelines/stream/jetstream-setup.ts'
import { WINDOW_EDGES_DAYS, type PersonFeatures, type WindowedOrders } from '../models/tags/person-features.ts'
import { personsActiveBetween, readPersonFeatures } from '../sql/profiles/person-features-reader.ts'
import { metricValue, sendBatch } from './helpers/event-batches.ts'
import { sql, tempDir, testConfig, waitFor } from './helpers/test-pulse.ts'

const DAY = 86_400_000
const HOUR = 3_600_000
// Whole days before the real clock, so no event is clamped as stamped in the future.
const BASE = Math.floor(Date.now() / DAY) * DAY - 20 * DAY
const REFUSED = 'refuse-'

interface Sent {
  messageId: string
  type: 'track' | 'identify' | 'page'
  event: string
  userId?: string
  anonymousId?: string
  ts: number
  properties?: Record<string, unknown>
  traits?: Record<string, unknown>
  context?: Record<string, unknown>
}

/** A small deterministic generator (mulberry32), so the history is the same on every run. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function history(): Sent[] {
  const rnd = random(7)
  const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]
  const out: Sent[] = []
  let n = 0
  const who = (id: string) => (id.startsWith('a') ? { anonymousId: id } : { userId: id })
  for (const id of ['u1', 'a1', 'u2', 'u3', 'u5']) {
    let complaints = 0
    for (let i = 0; i < 130; i++) {
      // Mostly the last 200 days, some up to 420 days back, a few after BASE.
      const ts = BASE - Math.floor((rnd() < 0.8 ? rnd() * 200 : rnd() * 420) * DAY) + (rnd() < 0.05 ? Math.floor(rnd() * 5 * DAY) : 0) + i
      const messageId = `pf-${id}-${n++}`
      const kind = rnd()
      if (kind < 0.25) out.push({ messageId, type: 'track', event: 'Logged In', ts, ...who(id) })
      else if (kind < 0.35) out.push({ messageId, type: 'page', event: 'Home', ts, ...who(id), properties: { channel: pick(['email', 'ads', '']) } })
      else if (kind < 0.55) {
        const properties: Record<string, unknown> = { revenue: Math.round(rnd() * 20000) / 100, category: pick(['shoes', 'hats', 'bags']) }
        if (rnd() < 0.5) properties.coupon = pick(['SPRING', 'VIP'])
        out.push({ messageId, type: 'track', event: 'Order Completed', ts, ...who(id), properties })
      } else if (kind < 0.7) out.push({ messageId, type: 'track', event: 'Product Viewed', ts, ...who(id), properties: { category: pick(['shoes', 'hats', 'bags']) }, context: { campaign: { source: pick(['google', 'newsletter']) } } })
      else if (kind < 0.75) out.push({ messageId, type: 'track', event: 'Complaint Filed', ts, ...who(id), properties: { complaint_id: `c-${id}-${++complaints}`, severity: pick(['major', 'normal', 'odd']) } })
      else if (kind < 0.8 && complaints > 0) out.push({ messageId, type: 'track', event: 'Complaint Resolved', ts, ...who(id), properties: { complaint_id: `c-${id}-${1 + Math.floor(rnd() * complaints)}` } })
      else if (kind < 0.87) out.push({ messageId, type: 'track', event: 'Enquiry Sent', ts, ...who(id), properties: { topic: pick(['new_service', 'billing']) } })
      else if (kind < 0.92) out.push({ messageId, type: 'track', event: 'NPS Submitted', ts, ...who(id), properties: { score: Math.floor(rnd() * 11) } })
      else out.push({ messageId, type: 'identify', event: '$identify', ts, ...who(id), traits: { region: pick(['north', 'south']), age_band: pick(['18-24', '25-34']), plan: pick(['free', 'pro', '']) } })
    }
  }
  // A category that needs escaping on its way to the engine, frequent enough to be u3's favourite.
  for (let i = 0; i < 60; i++) out.push({ messageId: `pf-odd-${i}`, type: 'track', event: 'Product Viewed', userId: 'u3', ts: BASE - (i + 1) * DAY, properties: { category: 'tab\there \\ "q"\nline' } })
  // Recent complaints so that some are open at BASE, one past its deadline.
  out.push({ messageId: 'pf-open-major', type: 'track', event: 'Complaint Filed', userId: 'u2', ts: BASE - 3 * HOUR, properties: { complaint_id: 'c-late', severity: 'major' } })
  out.push({ messageId: 'pf-open-normal', type: 'track', event: 'Complaint Filed', anonymousId: 'a1', ts: BASE - HOUR, properties: { complaint_id: 'c-fresh', severity: 'normal' } })
  // Refused by the engine (--fault-refuse-rows-matching): large orders that would show in every window.
  for (const id of ['u1', 'u2']) out.push({ messageId: `${REFUSED}${id}`, type: 'track', event: 'Order Completed', userId: id, ts: BASE - DAY, properties: { revenue: 99999, category: 'refused', coupon: 'X' } })
  return out
}

function segmentEvent(e: Sent): Record<string, unknown> {
  const { ts, event, ...rest } = e
  return { ...rest, ...(e.type === 'track' ? { event } : e.type === 'page' ? { name: event } : {}), timestamp: new Date(ts).toISOString() }
}

// --- the reference, from the definitions -------------------------------------------------------

const inWindow = (ts: number, now: number, fromDays: number, toDays = 0) => ts > now - fromDays * DAY && ts <= now - toDays * DAY

function orders(events: Sent[], now: number, fromDays: number, toDays = 0): WindowedOrders {
  const os = events.filter((e) => e.event === 'Order Completed' && inWindow(e.ts, now, fromDays, toDays))
  return { orders: os.length, spend: os.reduce((s, e) => s + Number(e.properties!.revenue), 0), couponOrders: os.filter((e) => e.properties!.coupon).length }
}

/** Most frequent value in the last 365 days, ties to the most recent. */
function mostFrequent(values: Array<{ v: string; ts: number }>): string | null {
  const count = new Map<string, { n: number; last: number }>()
  for (const { v, ts } of values) {
    const c = count.get(v) ?? { n: 0, last: -Infinity }
    count.set(v, { n: c.n + 1, last: Math.max(c.last, ts) })
  }
  let best: string | null = null
  for (const [v, c] of count) {
    const b = best === null ? undefined : count.get(best)!
    if (!b || c.n > b.n || (c.n === b.n && c.last > b.last)) best = v
  }
  return best
}

function latestTrait(events: Sent[], name: string): string | null {
  const withIt = events.filter((e) => e.traits?.[name]).sort((a, b) => a.ts - b.ts)
  return withIt.length ? String(withIt.at(-1)!.traits![name]) : null
}

function reference(all: Sent[], personId: string, ids: string[], now: number): PersonFeatures {
  const ev = all.filter((e) => ids.includes(e.userId ?? e.anonymousId!) && e.ts <= now && !e.messageId.startsWith(REFUSED))
  const times = (f: (e: Sent) => boolean) => ev.filter(f).map((e) => e.ts)
  const activity = (e: Sent) => e.type !== 'identify'
  const login = (e: Sent) => e.event === 'Logged In'
  const order = (e: Sent) => e.event === 'Order Completed'
  const count = (f: (e: Sent) => boolean, fromDays: number, toDays = 0) => ev.filter((e) => f(e) && inWindow(e.ts, now, fromDays, toDays)).length
  const orNull = (xs: number[], pick: (...v: number[]) => number) => (xs.length ? pick(...xs) : null)
  const filings = ev.filter((e) => e.event === 'Complaint Filed').sort((a, b) => a.ts - b.ts)
  const resolved = new Set(ev.filter((e) => e.event === 'Complaint Resolved').map((e) => e.properties!.complaint_id))
  const firstFiling = new Map<string, Sent>()
  for (const f of filings) if (!firstFiling.has(f.properties!.complaint_id as string)) firstFiling.set(f.properties!.complaint_id as string, f)
  const nps = ev.filter((e) => e.event === 'NPS Submitted').sort((a, b) => a.ts - b.ts).at(-1)
  const enquiries: Record<string, number> = {}
  for (const e of ev) if (e.event === 'Enquiry Sent' && inWindow(e.ts, now, 30)) enquiries[e.properties!.topic as string] = (enquiries[e.properties!.topic as string] ?? 0) + 1
  const lastYear = ev.filter((e) => inWindow(e.ts, now, 365))
  return {
    personId,
    ids,
    firstSeen: orNull(times(() => true), Math.min),
    lastSeen: orNull(times(() => true), Math.max),
    lastActivity: orNull(times(activity), Math.max),
    firstPurchase: orNull(times(order), Math.min),
    lastPurchase: orNull(times(order), Math.max),
    logins7d: count(login, 7),
    logins30d: count(login, 30),
    loginsPrev30d: count(login, 60, 30),
    activity7d: count(activity, 7),
    activity30d: count(activity, 30),
    activityPrev30d: count(activity, 60, 30),
    activityBaselineWeekly: count(activity, 63, 7) / 8,
    ordersTotal: ev.filter(order).length,
    spendTotal: ev.filter(order).reduce((s, e) => s + Number(e.properties!.revenue), 0),
    window30d: orders(ev, now, 30),
    window90d: orders(ev, now, 90),
    window180d: orders(ev, now, 180),
    window365d: orders(ev, now, 365),
    last91d: orders(ev, now, 91),
    prev91d: orders(ev, now, 182, 91),
    favouriteCategory: mostFrequent(lastYear.filter((e) => e.properties?.category).map((e) => ({ v: e.properties!.category as string, ts: e.ts }))),
    preferredChannel: mostFrequent(
      lastYear
        .map((e) => ({ v: (e.properties?.channel as string) || ((e.context?.campaign as { source?: string })?.source ?? ''), ts: e.ts }))
        .filter((c) => c.v),
    ),
    openComplaints: [...firstFiling.entries()]
      .filter(([id]) => !resolved.has(id))
      .map(([complaintId, f]) => ({ complaintId, severity: f.properties!.severity as string, filedAt: f.ts, deadline: f.ts + (f.properties!.severity === 'major' ? 2 : 24) * HOUR }))
      .sort((a, b) => (a.complaintId < b.complaintId ? -1 : 1)),
    complaints365d: new Set(filings.filter((f) => inWindow(f.ts, now, 365)).map((f) => f.properties!.complaint_id)).size,
    lastNps: nps ? { score: nps.properties!.score as number, at: nps.ts } : null,
    enquiries30d: enquiries,
    traits: { region: latestTrait(ev, 'region'), ageBand: latestTrait(ev, 'age_band'), plan: latestTrait(ev, 'plan') },
    nextWindowExit: orNull(ev.flatMap((e) => WINDOW_EDGES_DAYS.map((d) => e.ts + d * DAY)).filter((t) => t > now), Math.min),
  }
}

/** Sums in cents: the engine and the reference add in different orders. */
function comparable(f: PersonFeatures): PersonFeatures {
  const cents = (w: WindowedOrders) => ({ ...w, spend: Math.round(w.spend * 100) })
  return {
    ...f, spendTotal: Math.round(f.spendTotal * 100), window30d: cents(f.window30d), window90d: cents(f.window90d), window180d: cents(f.window180d),
    window365d: cents(f.window365d), last91d: cents(f.last91d), prev91d: cents(f.prev91d),
  }
}

// --- the test ------------------------------------------------------------------------------------

const PERSONS = [
  { personId: 'p_one', ids: ['u1', 'a1'] },
  { personId: 'p_two', ids: ['u2'] },
  { personId: 'p_three', ids: ['u3'] },
  { personId: 'p_nobody', ids: ['u-none'] },
]
const NOWS = [BASE, BASE - 45 * DAY, BASE - 200 * DAY, BASE + 2 * DAY, BASE - 2 * HOUR]

let nats: EmbeddedNats | undefined
let pulse: RunningPulse | undefined
afterAll(async () => {
  await pulse?.stop()
  await nats?.stop()
})

async function expectReference(p: RunningPulse, events: Sent[]): Promise<void> {
  for (const now of NOWS) {
    const got = await readPersonFeatures(p.clickhouse.client, PERSONS, now)
    expect(got.map(comparable), new Date(now).toISOString()).toEqual(PERSONS.map((x) => comparable(reference(events, x.personId, x.ids, now))))
  }
}

describe('rolling features fed by the processor', () => {
  it('match a reference at several nows, unchanged by copies and a replay, without refused rows, over all of a person\'s ids', async () => {
    nats = await startNatsServer(tempDir('features-nats'))
    const config = testConfig('features', { natsUrl: nats.url, faults: { ...testConfig('features-defaults').faults, refuseRowsMatching: REFUSED } })
    pulse = await startPulse(config, pino({ level: config.logLevel }))
    const events = history()
    const stored = events.filter((e) => !e.messageId.startsWith(REFUSED)).length
    const bodies: string[] = []
    for (let i = 0; i < events.length; i += 100) bodies.push(JSON.stringify({ batch: events.slice(i, i + 100).map(segmentEvent) }))
    for (const body of bodies) expect(await sendBatch(pulse.url, body)).toBe(200)
    // Counted once the batch is acked, which is after its facts are stored.
    expect(await waitFor(() => metricValue(pulse!.url, 'pulse_processor_stored_events_total'), (n) => n >= stored)).toBe(stored)
    const [{ n: refused }] = await sql<{ n: number }>(pulse.url, "SELECT count() AS n FROM dead_letters WHERE reason = 'refused_by_engine'")
    expect(Number(refused)).toBe(2)
    await expectReference(pulse, events)

    // An SDK retry of the first batch, re-stamped with a sent_at 5 s ahead: each copy's corrected time differs.
    const retry = JSON.parse(bodies[0])
    retry.sentAt = new Date(Date.now() + 5000).toISOString()
    expect(await sendBatch(pulse.url, JSON.stringify(retry))).toBe(200)
    await waitFor(() => metricValue(pulse!.url, 'pulse_processor_stored_events_total'), (n) => n >= stored + 100)
    await expectReference(pulse, events)

    // A replay of the whole stream: every message processed and its facts inserted again.
    await pulse.stop()
    const nc = await connectNats(nats.url, 'test-features-replay')
    await replayFromStart(nc, config.stream, config.consumer)
    await nc.drain()
    pulse = await startPulse(config, pino({ level: config.logLevel }))
    expect(await waitFor(() => metricValue(pulse!.url, 'pulse_processor_stored_events_total'), (n) => n >= stored + 100)).toBe(stored + 100)
    await expectReference(pulse, events)

    const from = BASE - 10 * DAY
    const active = events.filter((e) => e.ts > from && e.ts <= BASE && !e.messageId.startsWith(REFUSED)).map((e) => e.userId ?? e.anonymousId!)
    expect(await personsActiveBetween(pulse.clickhouse.client, from, BASE)).toEqual([...new Set(active)].sort())
  })
})
