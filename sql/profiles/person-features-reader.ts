// Reads persons' rolling features (models/tags/person-features.ts) from the feature rollup
// (sql/migrations/007_feature_rollups.sql) in one query, as of a given `now`.
import type { ClickHouseClient } from '@clickhouse/client'
import type { OpenComplaint, PersonFeatures, WindowedOrders } from '../../models/tags/person-features.ts'
import { namedQuery } from '../named-query.ts'

const HOUR_MS = 3_600_000

/** Complaint deadlines by severity; any other severity gets the `normal` one (README, Rolling features). */
export const COMPLAINT_DEADLINES_MS: Readonly<Record<string, number>> = { major: 2 * HOUR_MS, normal: 24 * HOUR_MS }

type Windows = 'last_91d' | 'prev_91d' | '30d' | '90d' | '180d' | '365d'

type FeatureRow = {
  person_id: string
  first_seen: number
  last_seen: number
  last_activity: number | null
  first_purchase: number | null
  last_purchase: number | null
  logins_7d: number
  logins_30d: number
  logins_prev_30d: number
  activity_7d: number
  activity_30d: number
  activity_prev_30d: number
  activity_baseline_weekly: number
  orders_total: number
  spend_total: number
  favourite_category: string | null
  preferred_channel: string | null
  open_complaints: Array<[string, string, number, number]>
  complaints_365d: number
  nps_count: number
  last_nps: [number, number]
  enquiries_30d: Record<string, number>
  region: string | null
  age_band: string | null
  plan: string | null
  next_window_exit: number
} & Record<`orders_${Windows}` | `spend_${Windows}` | `coupon_orders_${Windows}`, number>

function windowOf(r: FeatureRow, w: Windows): WindowedOrders {
  return { orders: Number(r[`orders_${w}`]), spend: Number(r[`spend_${w}`]), couponOrders: Number(r[`coupon_orders_${w}`]) }
}

/** What the query gives when no event is in any window (Int64's largest value, read as a double). */
const NO_EXIT = 9.2e18

const NO_ORDERS: WindowedOrders = { orders: 0, spend: 0, couponOrders: 0 }

/** The features of a person with no fact up to `now`. */
function noFeatures(personId: string, ids: string[]): PersonFeatures {
  return {
    personId, ids, firstSeen: null, lastSeen: null, lastActivity: null, firstPurchase: null, lastPurchase: null,
    logins7d: 0, logins30d: 0, loginsPrev30d: 0, activity7d: 0, activity30d: 0, activityPrev30d: 0, activityBaselineWeekly: 0,
    ordersTotal: 0, spendTotal: 0, window30d: NO_ORDERS, window90d: NO_ORDERS, window180d: NO_ORDERS, window365d: NO_ORDERS,
    last91d: NO_ORDERS, prev91d: NO_ORDERS, favouriteCategory: null, preferredChannel: null, openComplaints: [], complaints365d: 0,
    lastNps: null, enquiries30d: {}, traits: { region: null, ageBand: null, plan: null }, nextWindowExit: null,
  }
}

function featuresOf(r: FeatureRow, ids: string[]): PersonFeatures {
  const openComplaints: OpenComplaint[] = r.open_complaints.map(([complaintId, severity, filedAt, deadline]) => ({ complaintId, severity, filedAt: Number(filedAt), deadline: Number(deadline) }))
  return {
    personId: r.person_id,
    ids,
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.last_seen),
    lastActivity: r.last_activity === null ? null : Number(r.last_activity),
    firstPurchase: r.first_purchase === null ? null : Number(r.first_purchase),
    lastPurchase: r.last_purchase === null ? null : Number(r.last_purchase),
    logins7d: Number(r.logins_7d),
    logins30d: Number(r.logins_30d),
    loginsPrev30d: Number(r.logins_prev_30d),
    activity7d: Number(r.activity_7d),
    activity30d: Number(r.activity_30d),
    activityPrev30d: Number(r.activity_prev_30d),
    activityBaselineWeekly: Number(r.activity_baseline_weekly),
    ordersTotal: Number(r.orders_total),
    spendTotal: Number(r.spend_total),
    window30d: windowOf(r, '30d'),
    window90d: windowOf(r, '90d'),
    window180d: windowOf(r, '180d'),
    window365d: windowOf(r, '365d'),
    last91d: windowOf(r, 'last_91d'),
    prev91d: windowOf(r, 'prev_91d'),
    favouriteCategory: r.favourite_category,
    preferredChannel: r.preferred_channel,
    openComplaints,
    complaints365d: Number(r.complaints_365d),
    lastNps: Number(r.nps_count) > 0 ? { score: Number(r.last_nps[0]), at: Number(r.last_nps[1]) } : null,
    enquiries30d: Object.fromEntries(Object.entries(r.enquiries_30d).map(([topic, n]) => [topic, Number(n)])),
    traits: { region: r.region, ageBand: r.age_band, plan: r.plan },
    nextWindowExit: Number(r.next_window_exit) >= NO_EXIT ? null : Number(r.next_window_exit),
  }
}

/**
 * The features of each person as of `now` (ms), from the facts of all its ids, in the order given.
 * A person with no fact up to `now` gets empty features.
 */
export async function readPersonFeatures(
  client: ClickHouseClient,
  persons: Array<{ personId: string; ids: string[] }>,
  now: number,
  /** By lower-case severity; other severities get `normal` (the profiles config's tags.sla). */
  deadlines: Readonly<Record<string, number>> = COMPLAINT_DEADLINES_MS,
): Promise<PersonFeatures[]> {
  if (persons.length === 0) return []
  const ids = persons.flatMap((p) => p.ids)
  const owners = persons.flatMap((p) => p.ids.map(() => p.personId))
  const rows = await namedQuery<FeatureRow>(client, 'person_features', { ids, persons: owners, now: Math.round(now), deadlines })
  const byPerson = new Map(rows.map((r) => [r.person_id, r]))
  return persons.map((p) => {
    const r = byPerson.get(p.personId)
    return r ? featuresOf(r, p.ids) : noFeatures(p.personId, p.ids)
  })
}

/** The ids with any fact in (from, to] (ms): persons whose windows slide past an event between two sweeps. */
export async function personsActiveBetween(client: ClickHouseClient, from: number, to: number): Promise<string[]> {
  const rows = await namedQuery<{ id: string }>(client, 'persons_active_between', { from: Math.round(from), to: Math.round(to) })
  return rows.map((r) => r.id)
}
