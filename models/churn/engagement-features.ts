// The behavioural part of the churn model's features (README, "Churn scores in Pulse"): how
// recently and how often a customer was engaged (an activity event or a purchase on a day) up to
// and including the cutoff day. Counts enter on a log scale, as the purchase features do.
import { countUpTo, type PurchaseHistory } from './purchase-history.ts'

export const ENGAGEMENT_FEATURES = [
  'log_engaged_recency_days',
  'log_engaged_days_7d',
  'log_engaged_days_30d',
  'log_engaged_days_90d',
  'engaged_trend_30d',
  'log_engaged_days_per_week',
] as const

/** Features in ENGAGEMENT_FEATURES order; engaged days default to the purchase days. */
export function engagementFeatures(history: PurchaseHistory, cutoffDay: number): number[] {
  const days = history.engaged ?? history.days
  const count = countUpTo(days, cutoffDay)
  const inLast = (from: number, to: number) => countUpTo(days, cutoffDay - from) - countUpTo(days, cutoffDay - to)
  if (count === 0) return [Math.log1p(365), 0, 0, 0, 0, 0]
  const last = days[count - 1]
  const weeks = Math.max(1, (cutoffDay - days[0] + 1) / 7)
  return [
    Math.log1p(cutoffDay - last),
    Math.log1p(inLast(0, 7)),
    Math.log1p(inLast(0, 30)),
    Math.log1p(inLast(0, 90)),
    Math.log((inLast(0, 30) + 1) / (inLast(30, 60) + 1)),
    Math.log1p(count / weeks),
  ]
}
