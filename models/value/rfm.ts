// RFM scores and the RFM-LTV tiers of the CRM practice Pulse serves: high value,
// potential, low-value active, churn risk. Thresholds are named parameters, below.

/** How many of the sorted values are strictly below v (binary search). */
function countBelow(sorted: readonly number[], v: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid] < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Quintile scores 1..5 (5 = best) by the share of customers strictly below: equal values always
 * share a score, so a quintile may hold more or fewer than a fifth when many customers tie.
 */
export function quintileScores(values: readonly number[], higherIsBetter = true): number[] {
  const v = higherIsBetter ? values : values.map((x) => -x)
  const sorted = [...v].sort((a, b) => a - b)
  return v.map((x) => 1 + Math.min(4, Math.floor((5 * countBelow(sorted, x)) / sorted.length)))
}

export interface TierThresholds {
  /** High value: predicted CLV in this top share of customers (default: top 20%)... */
  highValueTopShare: number
  /** ...and at least this recency score (recent). */
  highValueMinRecencyScore: number
  /** Potential: spend in the last window up by at least this share on the window before (default: 50%). */
  potentialGrowth: number
  /** Length of those two spend windows, days (default: 3 months). */
  spendWindowDays: number
  /** Churn risk: no login and no purchase for this many days (default: 30). */
  churnRiskInactiveDays: number
  /** Low-value active: frequency and monetary scores at most this (busy, rarely pays). */
  lowValueMaxScore: number
}

export const DEFAULT_TIER_THRESHOLDS: TierThresholds = {
  highValueTopShare: 0.2,
  highValueMinRecencyScore: 3,
  potentialGrowth: 0.5,
  spendWindowDays: 91,
  churnRiskInactiveDays: 30,
  lowValueMaxScore: 2,
}

export type Tier = 'high_value' | 'potential' | 'low_value_active' | 'churn_risk' | 'steady'

export interface TierInput {
  recencyScore: number
  frequencyScore: number
  monetaryScore: number
  clv: number | null
  /** Days since the last login or purchase. */
  inactiveDays: number
  spendRecent: number
  spendBefore: number
}

/**
 * The tier, first match wins: churn risk (inactive), high value (top CLV and recent), potential
 * (spend growing), low-value active (active but buying little and rarely); `steady` otherwise.
 * `clvCutoff` is the CLV at the top-share boundary of the whole population (clvCutoff()).
 */
export function tierOf(c: TierInput, clvCutoffValue: number, t: TierThresholds = DEFAULT_TIER_THRESHOLDS): Tier {
  if (c.inactiveDays >= t.churnRiskInactiveDays) return 'churn_risk'
  if (c.clv !== null && c.clv >= clvCutoffValue && c.recencyScore >= t.highValueMinRecencyScore) return 'high_value'
  if (c.spendRecent > 0 && c.spendRecent >= (1 + t.potentialGrowth) * c.spendBefore) return 'potential'
  if (c.frequencyScore <= t.lowValueMaxScore && c.monetaryScore <= t.lowValueMaxScore) return 'low_value_active'
  return 'steady'
}

/** The CLV at which the top `share` of customers begins (Infinity when nobody has one). */
export function clvCutoff(clvs: readonly (number | null)[], share: number): number {
  const known = clvs.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => b - a)
  if (known.length === 0) return Infinity
  return known[Math.max(0, Math.ceil(share * known.length) - 1)]
}
