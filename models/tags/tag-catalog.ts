// The tag catalog as data (p-context: "The default tag catalog", ids exactly these). Each entry
// decides from a person's features, the value context and the settings, as of `now`, which of its
// tags the person holds; the reason of a tag is the feature values its rule read.
import { lastEngagement, lifecycleReason, lifecycleStage } from './lifecycle.ts'
import type { PersonFeatures } from './person-features.ts'
import { breachedComplaints, complaintDeadline } from './service-quality.ts'
import type { TagLayer } from './tag-change.ts'
import { FEATURE_WINDOWS_DAYS as W, type TagSettings } from './tag-settings.ts'
import { valueTag } from './tag-value.ts'

/** Population figures computed elsewhere (the latest value-model fit, the 365-day spend ranking). */
export interface ValueContext {
  clv: number | null
  tier: string | null
  /** The churn model's band (low, medium, high) of the latest fit; null or absent when it scored nobody. */
  churnBand?: string | null
  /** CLV at which the top share (tags.highValue.topShare) begins; null before any fit. */
  clvTop20Threshold: number | null
  /** 365-day spend at which the top share begins; null when nobody has spent. */
  spend365Top20Threshold: number | null
}

export type Reason = Record<string, unknown>

export interface TagHit {
  tag: string
  reason: Reason
}

export interface CatalogEntry {
  /** `high_value`, or `region:<value>` for a tag per value. */
  id: string
  layer: TagLayer
  /** The rule in plain language, thresholds filled in. */
  describe(settings: TagSettings): string
  /** The feature values the rule reads: the reason of a tag it adds or removes. */
  inputs(f: PersonFeatures, v: ValueContext, s: TagSettings, now: number): Reason
  /** null when the person holds none of the entry's tags. */
  evaluate(f: PersonFeatures, v: ValueContext, s: TagSettings, now: number): TagHit[] | null
}

const DAY_MS = 86_400_000
const pct = (share: number): string => `${Math.round(share * 1000) / 10}%`
const sinceDays = (t: number | null, now: number): number | null => (t === null ? null : (now - t) / DAY_MS)

type Rule = Omit<CatalogEntry, 'evaluate'> & { tags(f: PersonFeatures, v: ValueContext, s: TagSettings, now: number): string[] }

function entry(rule: Rule): CatalogEntry {
  const { tags, ...rest } = rule
  return {
    ...rest,
    evaluate(f, v, s, now) {
      const held = tags(f, v, s, now)
      if (held.length === 0) return null
      const reason = rule.inputs(f, v, s, now)
      return held.map((tag) => ({ tag, reason }))
    },
  }
}

const when = (holds: boolean, tag: string): string[] => (holds ? [tag] : [])
// Shares and factors are compared as ratios, not as products (0.55 x 100 is 55.00000000000001 in
// floating point), so a configured threshold is met exactly where it says.

const npsBand = (id: 'promoter' | 'passive' | 'detractor', describe: (s: TagSettings) => string, inBand: (score: number, s: TagSettings) => boolean): CatalogEntry =>
  entry({
    id,
    layer: 'service',
    describe,
    inputs: (f) => ({ lastNpsScore: f.lastNps?.score ?? null, lastNpsAt: f.lastNps?.at ?? null }),
    tags: (f, _v, s) => when(f.lastNps !== null && inBand(f.lastNps.score, s), id),
  })

export const TAG_CATALOG: readonly CatalogEntry[] = [
  entry({
    id: 'region:<value>',
    layer: 'basic',
    describe: () => 'the region trait, as last sent',
    inputs: (f) => ({ region: f.traits.region }),
    tags: (f) => valueTag('region:', f.traits.region),
  }),
  entry({
    id: 'age_band:<value>',
    layer: 'basic',
    describe: () => 'the age band trait, as last sent',
    inputs: (f) => ({ ageBand: f.traits.ageBand }),
    tags: (f) => valueTag('age_band:', f.traits.ageBand),
  }),
  entry({
    id: 'high_frequency',
    layer: 'behaviour',
    describe: (s) => `at least ${s.highFrequency.minLogins} logins in the last ${W.logins} days`,
    inputs: (f) => ({ logins7d: f.logins7d }),
    tags: (f, _v, s) => when(f.logins7d >= s.highFrequency.minLogins, 'high_frequency'),
  }),
  entry({
    id: 'price_sensitive',
    layer: 'behaviour',
    describe: (s) => `at least ${pct(s.priceSensitive.minCouponShare)} of the orders of the last ${W.orders} days used a coupon, at least ${s.priceSensitive.minOrders} orders`,
    inputs: (f) => ({ orders180d: f.window180d.orders, couponOrders180d: f.window180d.couponOrders }),
    tags: (f, _v, s) => {
      const w = f.window180d
      return when(w.orders >= s.priceSensitive.minOrders && w.couponOrders / w.orders >= s.priceSensitive.minCouponShare, 'price_sensitive')
    },
  }),
  entry({
    id: 'silent',
    layer: 'behaviour',
    describe: (s) => `active before, and no activity event for ${s.silent.inactiveDays} days`,
    inputs: (f, _v, _s, now) => ({ lastActivity: f.lastActivity, daysSinceActivity: sinceDays(f.lastActivity, now) }),
    tags: (f, _v, s, now) => when(f.lastActivity !== null && now - f.lastActivity >= s.silent.inactiveDays * DAY_MS, 'silent'),
  }),
  entry({
    id: 'favourite_category:<value>',
    layer: 'preference',
    describe: () => `the most frequent category of the last ${W.spend} days (ties: the most recent)`,
    inputs: (f) => ({ favouriteCategory: f.favouriteCategory }),
    tags: (f) => valueTag('favourite_category:', f.favouriteCategory),
  }),
  entry({
    id: 'preferred_channel:<value>',
    layer: 'preference',
    describe: () => `the most frequent channel of the last ${W.spend} days (else the campaign source)`,
    inputs: (f) => ({ preferredChannel: f.preferredChannel }),
    tags: (f) => valueTag('preferred_channel:', f.preferredChannel),
  }),
  entry({
    id: 'high_value',
    layer: 'value',
    describe: (s) => `top ${pct(s.highValue.topShare)} by predicted CLV of the latest fit; by ${W.spend}-day spend until a fit exists`,
    inputs: (f, v) => ({
      basis: v.clvTop20Threshold !== null ? 'clv' : 'spend365d',
      clv: v.clv,
      clvThreshold: v.clvTop20Threshold,
      spend365d: f.window365d.spend,
      spend365dThreshold: v.spend365Top20Threshold,
    }),
    tags: (f, v) => {
      if (v.clvTop20Threshold !== null) return when(v.clv !== null && v.clv >= v.clvTop20Threshold, 'high_value')
      const spend = f.window365d.spend
      return when(v.spend365Top20Threshold !== null && spend > 0 && spend >= v.spend365Top20Threshold, 'high_value')
    },
  }),
  entry({
    id: 'potential',
    layer: 'value',
    describe: (s) => `spend of the last ${W.spendHalves} days at least ${s.potential.growthFactor} x the ${W.spendHalves} days before, which was above 0`,
    inputs: (f) => ({ spendLast91d: f.last91d.spend, spendPrev91d: f.prev91d.spend }),
    tags: (f, _v, s) => when(f.prev91d.spend > 0 && f.last91d.spend / f.prev91d.spend >= s.potential.growthFactor, 'potential'),
  }),
  entry({
    id: 'tier:<name>',
    layer: 'value',
    describe: () => 'the RFM-LTV tier of the latest fit',
    inputs: (_f, v) => ({ tier: v.tier }),
    tags: (_f, v) => valueTag('tier:', v.tier),
  }),
  entry({
    id: 'churn_risk',
    layer: 'churn',
    describe: (s) => `no activity event and no purchase for ${s.churnRisk.inactiveDays} days, after having either`,
    inputs: (f, _v, _s, now) => ({ lastActivity: f.lastActivity, lastPurchase: f.lastPurchase, daysSinceEngagement: sinceDays(lastEngagement(f), now) }),
    tags: (f, _v, s, now) => {
      const last = lastEngagement(f)
      return when(last !== null && now - last >= s.churnRisk.inactiveDays * DAY_MS, 'churn_risk')
    },
  }),
  entry({
    id: 'churn:<band>',
    layer: 'churn',
    describe: () => 'the churn model\'s band of the latest fit: high (probability of churn in the horizon at least 0.7), medium (at least 0.4), low',
    inputs: (_f, v) => ({ churnBand: v.churnBand ?? null }),
    tags: (_f, v) => valueTag('churn:', v.churnBand ?? null),
  }),
  entry({
    id: 'lifecycle:<stage>',
    layer: 'lifecycle',
    describe: (s) => {
      const l = s.lifecycle
      return `exactly one of: churned (no activity and no purchase for ${l.churnedDays} days), prospect (never purchased), new (first purchase under ${l.newDays} days ago), declining (activity or spend under ${pct(l.decliningShare)} of the period before), mature (first purchase ${l.matureDays}+ days ago), active; first match wins`
    },
    inputs: (f, _v, _s, now) => lifecycleReason(f, now),
    tags: (f, _v, s, now) => [`lifecycle:${lifecycleStage(f, s, now)}`],
  }),
  entry({
    id: 'complaint_pending',
    layer: 'service',
    describe: () => 'a complaint filed and not resolved',
    inputs: (f) => ({ openComplaints: f.openComplaints.map((c) => c.complaintId) }),
    tags: (f) => when(f.openComplaints.length > 0, 'complaint_pending'),
  }),
  entry({
    id: 'sla_breached',
    layer: 'service',
    describe: (s) => `an open complaint past its deadline: ${s.sla.majorHours} h for major, ${s.sla.normalHours} h for other severities`,
    inputs: (f, _v, s) => ({
      openComplaints: f.openComplaints.map((c) => ({ complaintId: c.complaintId, severity: c.severity, deadline: complaintDeadline(c.filedAt, c.severity, s) })),
    }),
    tags: (f, _v, s, now) => when(breachedComplaints(f, s, now).length > 0, 'sla_breached'),
  }),
  entry({
    id: 'new_demand_prospect',
    layer: 'service',
    describe: (s) => `an enquiry with topic ${s.newDemand.topic} in the last ${W.enquiries} days`,
    inputs: (f, _v, s) => ({ topic: s.newDemand.topic, enquiries30d: f.enquiries30d[s.newDemand.topic] ?? 0 }),
    tags: (f, _v, s) => when((f.enquiries30d[s.newDemand.topic] ?? 0) > 0, 'new_demand_prospect'),
  }),
  npsBand('promoter', (s) => `last NPS ${s.nps.promoterMin}-10`, (score, s) => score >= s.nps.promoterMin),
  npsBand('passive', (s) => `last NPS ${s.nps.passiveMin}-${s.nps.promoterMin - 1}`, (score, s) => score >= s.nps.passiveMin && score < s.nps.promoterMin),
  npsBand('detractor', (s) => `last NPS 0-${s.nps.passiveMin - 1}`, (score, s) => score < s.nps.passiveMin),
]

/** The catalog entry a concrete tag comes from (`region:north` -> `region:<value>`), if any. */
export function catalogEntryOf(tag: string): CatalogEntry | undefined {
  return TAG_CATALOG.find((e) => {
    const open = e.id.indexOf('<')
    return open < 0 ? e.id === tag : tag.startsWith(e.id.slice(0, open))
  })
}
