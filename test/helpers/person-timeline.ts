// A person's scripted history and the PersonFeatures it gives as of any `now`, windows exact as the
// contract says (models/tags/person-features.ts): "last N days" is (now - N d, now]. Lets a rule be
// checked one ms before, at and after a boundary by moving `now` over one fixed history.
import { WINDOW_EDGES_DAYS, type OpenComplaint, type PersonFeatures, type WindowedOrders } from '../../models/tags/person-features.ts'
import { complaintDeadline } from '../../models/tags/service-quality.ts'
import { DEFAULT_TAG_SETTINGS } from '../../models/tags/tag-settings.ts'

export const DAY = 86_400_000
export const HOUR = 3_600_000
export const T0 = Date.UTC(2026, 0, 1)

export type ScriptedEvent =
  | { at: number; kind: 'login' }
  | { at: number; kind: 'page'; category?: string; channel?: string }
  | { at: number; kind: 'order'; spend: number; coupon?: boolean; category?: string }
  | { at: number; kind: 'complaint'; id: string; severity: string }
  | { at: number; kind: 'resolved'; id: string }
  | { at: number; kind: 'enquiry'; topic: string }
  | { at: number; kind: 'nps'; score: number }
  | { at: number; kind: 'identify'; region?: string; ageBand?: string }

/** `at` in the window (now - (offsetDays + days) d, now - offsetDays d]. */
const within = (at: number, now: number, days: number, offsetDays = 0): boolean => at > now - (offsetDays + days) * DAY && at <= now - offsetDays * DAY

function orders(events: ScriptedEvent[], now: number, days: number, offsetDays = 0): WindowedOrders {
  const inWindow = events.filter((e): e is Extract<ScriptedEvent, { kind: 'order' }> => e.kind === 'order' && within(e.at, now, days, offsetDays))
  return { orders: inWindow.length, spend: inWindow.reduce((s, e) => s + e.spend, 0), couponOrders: inWindow.filter((e) => e.coupon).length }
}

/** Most frequent value in the last 365 days; ties go to the most recent. */
function mostFrequent(values: { at: number; value: string | undefined }[], now: number): string | null {
  const counts = new Map<string, { n: number; last: number }>()
  for (const { at, value } of values) {
    if (value === undefined || !within(at, now, 365)) continue
    const c = counts.get(value) ?? { n: 0, last: 0 }
    counts.set(value, { n: c.n + 1, last: Math.max(c.last, at) })
  }
  const best = [...counts].sort((a, b) => b[1].n - a[1].n || b[1].last - a[1].last)[0]
  return best ? best[0] : null
}

/** The next time after `now` an event leaves one of the counted windows. */
function nextWindowExit(seen: ScriptedEvent[], now: number): number | null {
  let next: number | null = null
  for (const e of seen) {
    for (const days of WINDOW_EDGES_DAYS) {
      const exit = e.at + days * DAY
      if (exit > now && (next === null || exit < next)) next = exit
    }
  }
  return next
}

export function featuresAt(history: ScriptedEvent[], now: number, personId = 'p_0123456789abcdef'): PersonFeatures {
  const seen = history.filter((e) => e.at <= now).sort((a, b) => a.at - b.at)
  const activity = seen.filter((e) => e.kind !== 'identify')
  const count = (list: ScriptedEvent[], days: number, offsetDays = 0) => list.filter((e) => within(e.at, now, days, offsetDays)).length
  const logins = seen.filter((e) => e.kind === 'login')
  const purchases = seen.filter((e) => e.kind === 'order')
  const resolved = new Set(seen.flatMap((e) => (e.kind === 'resolved' ? [e.id] : [])))
  const openComplaints: OpenComplaint[] = seen.flatMap((e) =>
    e.kind === 'complaint' && !resolved.has(e.id)
      ? [{ complaintId: e.id, severity: e.severity, filedAt: e.at, deadline: complaintDeadline(e.at, e.severity, DEFAULT_TAG_SETTINGS) }]
      : [],
  )
  const enquiries30d: Record<string, number> = {}
  for (const e of seen) if (e.kind === 'enquiry' && within(e.at, now, 30)) enquiries30d[e.topic] = (enquiries30d[e.topic] ?? 0) + 1
  const nps = seen.filter((e) => e.kind === 'nps').at(-1)
  const identifies = seen.filter((e) => e.kind === 'identify')
  const trait = (name: 'region' | 'ageBand') => identifies.map((e) => e[name]).filter((v) => v !== undefined).at(-1) ?? null
  return {
    personId,
    ids: ['user-1'],
    firstSeen: seen[0]?.at ?? null,
    lastSeen: seen.at(-1)?.at ?? null,
    lastActivity: activity.at(-1)?.at ?? null,
    firstPurchase: purchases[0]?.at ?? null,
    lastPurchase: purchases.at(-1)?.at ?? null,
    logins7d: count(logins, 7),
    logins30d: count(logins, 30),
    loginsPrev30d: count(logins, 30, 30),
    activity7d: count(activity, 7),
    activity30d: count(activity, 30),
    activityPrev30d: count(activity, 30, 30),
    activityBaselineWeekly: count(activity, 56, 7) / 8,
    ordersTotal: purchases.length,
    spendTotal: purchases.reduce((s, e) => s + (e.kind === 'order' ? e.spend : 0), 0),
    window30d: orders(seen, now, 30),
    window90d: orders(seen, now, 90),
    window180d: orders(seen, now, 180),
    window365d: orders(seen, now, 365),
    last91d: orders(seen, now, 91),
    prev91d: orders(seen, now, 91, 91),
    favouriteCategory: mostFrequent(seen.map((e) => ({ at: e.at, value: 'category' in e ? e.category : undefined })), now),
    preferredChannel: mostFrequent(seen.map((e) => ({ at: e.at, value: 'channel' in e ? e.channel : undefined })), now),
    openComplaints,
    complaints365d: count(seen.filter((e) => e.kind === 'complaint'), 365),
    lastNps: nps && nps.kind === 'nps' ? { score: nps.score, at: nps.at } : null,
    enquiries30d,
    traits: { region: trait('region'), ageBand: trait('ageBand'), plan: null },
    nextWindowExit: nextWindowExit(seen, now),
  }
}
