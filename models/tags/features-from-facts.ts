// A person's rolling features (person-features.ts) as of `now`, computed in one pass over the facts
// of all its ids as the feature rollup stores them (sql/migrations/007_feature_rollups.sql). The
// engine only finds the facts; the windows are counted here, where they cost a microsecond a fact
// instead of a large aggregate query.
import { cityHash64 } from './city-hash64.ts'
import type { EventFact } from './event-facts.ts'
import type { OpenComplaint, PersonFeatures, WindowedOrders } from './person-features.ts'
import { WINDOW_EDGES_DAYS } from './person-features.ts'

const DAY = 86_400_000
const HOUR = 3_600_000

/** Complaint deadlines by lower-case severity; any other severity gets `normal`'s (README, Rolling features). */
export const COMPLAINT_DEADLINES_MS: Readonly<Record<string, number>> = { major: 2 * HOUR, normal: 24 * HOUR }

/**
 * One fact: an event's fact (event-facts.ts) under its key `h` (cityHash64 of source and message
 * id) as decimal text, as the rollup stores it. A fact taken from a batch's own lines instead
 * (sql/profiles/batch-facts.ts) comes with its source and message id and `h` '' until a tie needs it.
 */
export type RolledFact = Omit<EventFact, 'source' | 'messageId' | 'keyId'> & { h: string; source?: string; messageId?: string }

/** The fact's key `h`, computed from its event when it came from a batch (a tie in time needs it). */
function keyOf(f: RolledFact): string {
  if (f.h === '') f.h = String(cityHash64(f.source ?? '', f.messageId ?? ''))
  return f.h
}

/** Whether key `a` sorts after key `b` as the unsigned numbers they write. */
function keyAfter(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b
}

/** Later in (time, key) order: how the engine's argMax(…, (ts, h)) picks the latest fact. */
function later(a: RolledFact, b: RolledFact | undefined): boolean {
  return b === undefined || a.ts > b.ts || (a.ts === b.ts && keyAfter(keyOf(a), keyOf(b)))
}

/** Copies of one event share this: its key, or its source and message id (the same thing, unhashed). */
function copyKey(f: RolledFact): string {
  return f.h !== '' ? f.h : `${f.source}\u0000${f.messageId}`
}

/** The fact's values, for a fixed choice between copies of one event received at the same ms. */
function valuesText(f: RolledFact): string {
  return JSON.stringify([f.ts, f.activity, f.login, f.order, f.amount, f.coupon, f.category, f.channel, f.complaint, f.complaintId, f.severity, f.enquiry, f.topic, f.nps, f.region, f.ageBand, f.plan])
}

/** Whether copy `a` is kept over copy `b`: received first; at the same ms (one request holding an event twice), by its values. */
function keptOver(a: RolledFact, b: RolledFact): boolean {
  return a.receivedAt < b.receivedAt || (a.receivedAt === b.receivedAt && valuesText(a) < valuesText(b))
}

/**
 * One fact per event: copies of an event that differ in time (an SDK retry re-stamped) keep the one
 * received first, as the events table does; then only facts up to `now` count.
 */
export function distinctFactsUpTo(facts: readonly RolledFact[], now: number): RolledFact[] {
  const byKey = new Map<string, RolledFact>()
  for (const f of facts) {
    const key = copyKey(f)
    const seen = byKey.get(key)
    if (seen === undefined || keptOver(f, seen)) byKey.set(key, f)
  }
  const out: RolledFact[] = []
  for (const f of byKey.values()) if (f.ts <= now) out.push(f)
  return out
}

class OrderWindow {
  orders = 0
  spend = 0
  couponOrders = 0
  add(f: RolledFact): void {
    this.orders++
    this.spend += f.amount
    if (f.coupon) this.couponOrders++
  }
  get value(): WindowedOrders {
    return { orders: this.orders, spend: this.spend, couponOrders: this.couponOrders }
  }
}

/** Counts with the time each value was last seen: the most frequent wins, ties to the most recent, then the larger value. */
class Favourite {
  private seen = new Map<string, { n: number; last: number }>()
  add(value: string, ts: number): void {
    const c = this.seen.get(value)
    if (c === undefined) this.seen.set(value, { n: 1, last: ts })
    else {
      c.n++
      if (ts > c.last) c.last = ts
    }
  }
  get value(): string | null {
    let best: string | null = null
    let b = { n: 0, last: -Infinity }
    for (const [v, c] of this.seen) {
      if (best === null || c.n > b.n || (c.n === b.n && (c.last > b.last || (c.last === b.last && v > best)))) {
        best = v
        b = c
      }
    }
    return best
  }
}

function deadlineOf(severity: string, filedAt: number, deadlines: Readonly<Record<string, number>>): number {
  const key = severity.trim().toLowerCase()
  return filedAt + (Object.hasOwn(deadlines, key) ? deadlines[key] : deadlines.normal)
}

/** The features of a person from the facts of all its ids (copies included), as of `now` (ms). */
export function featuresFromFacts(
  personId: string,
  ids: string[],
  facts: readonly RolledFact[],
  now: number,
  deadlines: Readonly<Record<string, number>> = COMPLAINT_DEADLINES_MS,
): PersonFeatures {
  const since = (days: number) => now - days * DAY
  const d7 = since(7), d30 = since(30), d60 = since(60), d63 = since(63), d90 = since(90), d91 = since(91), d180 = since(180), d182 = since(182), d365 = since(365)
  let firstSeen: number | null = null, lastSeen: number | null = null, lastActivity: number | null = null
  let firstPurchase: number | null = null, lastPurchase: number | null = null
  let logins7d = 0, logins30d = 0, loginsPrev30d = 0, activity7d = 0, activity30d = 0, activityPrev30d = 0, baseline = 0
  let ordersTotal = 0, spendTotal = 0
  const w30 = new OrderWindow(), w90 = new OrderWindow(), w180 = new OrderWindow(), w365 = new OrderWindow(), last91 = new OrderWindow(), prev91 = new OrderWindow()
  const category = new Favourite(), channel = new Favourite()
  const firstFiling = new Map<string, RolledFact>()
  const resolved = new Set<string>()
  const filedLastYear = new Set<string>()
  let nps: RolledFact | undefined, region: RolledFact | undefined, ageBand: RolledFact | undefined, plan: RolledFact | undefined
  const enquiries: Record<string, number> = {}
  // The oldest fact inside each counted window: it is the next to leave it.
  const oldestIn = WINDOW_EDGES_DAYS.map(() => Infinity)
  for (const f of distinctFactsUpTo(facts, now)) {
    const t = f.ts
    if (firstSeen === null || t < firstSeen) firstSeen = t
    if (lastSeen === null || t > lastSeen) lastSeen = t
    for (let i = 0; i < WINDOW_EDGES_DAYS.length; i++) if (t > now - WINDOW_EDGES_DAYS[i] * DAY && t < oldestIn[i]) oldestIn[i] = t
    if (f.activity) {
      if (lastActivity === null || t > lastActivity) lastActivity = t
      if (t > d7) activity7d++
      if (t > d30) activity30d++
      else if (t > d60) activityPrev30d++
      if (t > d63 && t <= d7) baseline++
    }
    if (f.login) {
      if (t > d7) logins7d++
      if (t > d30) logins30d++
      else if (t > d60) loginsPrev30d++
    }
    if (f.order) {
      if (firstPurchase === null || t < firstPurchase) firstPurchase = t
      if (lastPurchase === null || t > lastPurchase) lastPurchase = t
      ordersTotal++
      spendTotal += f.amount
      if (t > d30) w30.add(f)
      if (t > d90) w90.add(f)
      if (t > d180) w180.add(f)
      if (t > d365) w365.add(f)
      if (t > d91) last91.add(f)
      else if (t > d182) prev91.add(f)
    }
    if (t > d365) {
      if (f.category !== '') category.add(f.category, t)
      if (f.channel !== '') channel.add(f.channel, t)
    }
    if (f.complaint === 'filed') {
      const first = firstFiling.get(f.complaintId)
      if (first === undefined || t < first.ts) firstFiling.set(f.complaintId, f)
      if (t > d365) filedLastYear.add(f.complaintId)
    } else if (f.complaint === 'resolved') resolved.add(f.complaintId)
    if (f.enquiry && t > d30) enquiries[f.topic] = (enquiries[f.topic] ?? 0) + 1
    if (f.nps !== null && later(f, nps)) nps = f
    if (f.region !== '' && later(f, region)) region = f
    if (f.ageBand !== '' && later(f, ageBand)) ageBand = f
    if (f.plan !== '' && later(f, plan)) plan = f
  }
  // A complaint is open from its first filing until any resolution of its id.
  const openComplaints: OpenComplaint[] = [...firstFiling.values()]
    .filter((f) => !resolved.has(f.complaintId))
    .sort((a, b) => (a.complaintId < b.complaintId ? -1 : a.complaintId > b.complaintId ? 1 : 0))
    .map((f) => ({ complaintId: f.complaintId, severity: f.severity, filedAt: f.ts, deadline: deadlineOf(f.severity, f.ts, deadlines) }))
  const exits = oldestIn.map((t, i) => t + WINDOW_EDGES_DAYS[i] * DAY).filter((t) => Number.isFinite(t))
  return {
    personId, ids, firstSeen, lastSeen, lastActivity, firstPurchase, lastPurchase,
    logins7d, logins30d, loginsPrev30d, activity7d, activity30d, activityPrev30d, activityBaselineWeekly: baseline / 8,
    ordersTotal, spendTotal,
    window30d: w30.value, window90d: w90.value, window180d: w180.value, window365d: w365.value, last91d: last91.value, prev91d: prev91.value,
    favouriteCategory: category.value, preferredChannel: channel.value,
    openComplaints, complaints365d: filedLastYear.size,
    lastNps: nps ? { score: nps.nps!, at: nps.ts } : null,
    enquiries30d: enquiries,
    traits: { region: region?.region ?? null, ageBand: ageBand?.ageBand ?? null, plan: plan?.plan ?? null },
    nextWindowExit: exits.length ? Math.min(...exits) : null,
  }
}

/** The features of each person as of `now` from the facts of its ids (by id), in the order given. */
export function featuresOfPersons(
  factsOfId: ReadonlyMap<string, readonly RolledFact[]>,
  persons: ReadonlyArray<{ personId: string; ids: string[] }>,
  now: number,
  deadlines: Readonly<Record<string, number>> = COMPLAINT_DEADLINES_MS,
): PersonFeatures[] {
  return persons.map((p) => {
    const facts = p.ids.length === 1 ? factsOfId.get(p.ids[0]) ?? [] : p.ids.flatMap((id) => factsOfId.get(id) ?? [])
    return featuresFromFacts(p.personId, p.ids, facts, now, deadlines)
  })
}
