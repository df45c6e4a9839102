// Every threshold of the tag catalog, lifecycle, health score and churn warning, with the defaults
// of the profile specification (p-context: "The default tag catalog"). A deployment overrides any
// of them under "tags" in its profiles config file (profiles-config.ts). Window lengths are not
// settings: they are the fixed windows of the feature vector (person-features.ts).

/** Windows the rules read, in days, as computed into PersonFeatures. */
export const FEATURE_WINDOWS_DAYS = {
  logins: 7,
  orders: 180,
  spendHalves: 91,
  spend: 365,
  enquiries: 30,
  activityHalves: 30,
  activityRecent: 7,
  baselineWeeks: 8,
} as const

export interface TagSettings {
  /** high_frequency: at least this many logins in the last 7 days. */
  highFrequency: { minLogins: number }
  /** price_sensitive: at least this share of the last 180 days' orders used a coupon, and at least minOrders orders. */
  priceSensitive: { minCouponShare: number; minOrders: number }
  /** silent: active before, and no activity event for this many days. */
  silent: { inactiveDays: number }
  /** potential: spend of the last 91 days at least this many times the 91 days before (which was > 0). */
  potential: { growthFactor: number }
  /** high_value: the population share whose CLV (or, before a fit, 365-day spend) threshold is passed in. */
  highValue: { topShare: number }
  /** churn_risk: no activity event and no purchase for this many days, after having either. */
  churnRisk: { inactiveDays: number }
  /** Complaint deadlines: hours after filing for `major` and for every other severity. */
  sla: { majorHours: number; normalHours: number }
  /** new_demand_prospect: an enquiry with this topic in the last 30 days. */
  newDemand: { topic: string }
  /** NPS bands: promoter from promoterMin, passive from passiveMin, detractor below. */
  nps: { promoterMin: number; passiveMin: number }
  /** Lifecycle stages (lifecycle.ts). */
  lifecycle: { newDays: number; matureDays: number; churnedDays: number; decliningShare: number }
  /** Early churn warning: the last 7 days under dropShare of a weekly baseline of at least minBaselineWeekly. */
  churnWarning: { dropShare: number; minBaselineWeekly: number }
  /** Health score weights of its four parts (health-score.ts); only their ratios matter. */
  health: { activity: number; spend: number; complaints: number; nps: number }
}

export const DEFAULT_TAG_SETTINGS: TagSettings = {
  highFrequency: { minLogins: 5 },
  priceSensitive: { minCouponShare: 0.8, minOrders: 3 },
  silent: { inactiveDays: 7 },
  potential: { growthFactor: 1.5 },
  highValue: { topShare: 0.2 },
  churnRisk: { inactiveDays: 30 },
  sla: { majorHours: 2, normalHours: 24 },
  newDemand: { topic: 'new_service' },
  nps: { promoterMin: 9, passiveMin: 7 },
  lifecycle: { newDays: 30, matureDays: 180, churnedDays: 90, decliningShare: 0.5 },
  churnWarning: { dropShare: 0.3, minBaselineWeekly: 2 },
  health: { activity: 0.3, spend: 0.3, complaints: 0.2, nps: 0.2 },
}

/** What a setting may be: a number in [min, max] (whole when `integer`), or a non-empty string. */
export type SettingRange = { kind: 'number'; min: number; max: number; integer: boolean } | { kind: 'string' }

const count = (min: number, max: number): SettingRange => ({ kind: 'number', min, max, integer: true })
const real = (min: number, max: number): SettingRange => ({ kind: 'number', min, max, integer: false })

/** The allowed range of every setting, named as in the config file. */
export const TAG_SETTING_RANGES: { [G in keyof TagSettings]: { [K in keyof TagSettings[G]]: SettingRange } } = {
  highFrequency: { minLogins: count(1, 10_000) },
  priceSensitive: { minCouponShare: real(0.01, 1), minOrders: count(1, 10_000) },
  silent: { inactiveDays: count(1, 365) },
  potential: { growthFactor: real(1, 100) },
  highValue: { topShare: real(0.01, 1) },
  churnRisk: { inactiveDays: count(1, 365) },
  sla: { majorHours: count(1, 720), normalHours: count(1, 720) },
  newDemand: { topic: { kind: 'string' } },
  nps: { promoterMin: count(0, 10), passiveMin: count(0, 10) },
  lifecycle: { newDays: count(1, 365), matureDays: count(1, 3650), churnedDays: count(1, 3650), decliningShare: real(0.01, 1) },
  churnWarning: { dropShare: real(0.01, 1), minBaselineWeekly: real(0.1, 10_000) },
  health: { activity: real(0, 100), spend: real(0, 100), complaints: real(0, 100), nps: real(0, 100) },
}

/** Rules between settings that ranges alone cannot say, as messages naming the fields. */
export function tagSettingConflicts(s: TagSettings): string[] {
  const out: string[] = []
  if (s.nps.passiveMin >= s.nps.promoterMin) out.push(`tags.nps.passiveMin (${s.nps.passiveMin}) must be below tags.nps.promoterMin (${s.nps.promoterMin})`)
  if (s.lifecycle.newDays >= s.lifecycle.matureDays) out.push(`tags.lifecycle.newDays (${s.lifecycle.newDays}) must be below tags.lifecycle.matureDays (${s.lifecycle.matureDays})`)
  if (s.sla.majorHours > s.sla.normalHours) out.push(`tags.sla.majorHours (${s.sla.majorHours}) must be at most tags.sla.normalHours (${s.sla.normalHours})`)
  const h = s.health
  if (h.activity + h.spend + h.complaints + h.nps <= 0) out.push('tags.health: at least one weight must be above 0')
  return out
}
