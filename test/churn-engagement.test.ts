// The server's churn inputs worked out by hand: per-day rows become histories with engaged days,
// the activity label, the engagement features at a cutoff, and the percentiles and bands.
import { describe, expect, it } from 'vitest'
import { churnBand, churnScores } from '../models/churn/churn-bands.ts'
import { ENGAGEMENT_FEATURES, engagementFeatures } from '../models/churn/engagement-features.ts'
import { engagementHistories, type CustomerDay } from '../models/churn/engagement-history.ts'
import { churnedAfter } from '../models/churn/purchase-history.ts'

const day = (customer: string, d: number, purchases: number, spend: number, active: boolean): CustomerDay => ({ customer, day: d, purchases, spend, active })
// a: buys on day 100 (2 orders, 30 spent, and an activity event) and 150 (10, no activity event),
// is active without buying on 190, 195 and 230.
// b: active only, never buys. c: buys on day 250, after the last day kept.
const rows = [
  day('a', 100, 2, 30, true), day('a', 150, 1, 10, false), day('a', 190, 0, 0, true), day('a', 195, 0, 0, true), day('a', 230, 0, 0, true),
  day('b', 120, 0, 0, true), day('c', 250, 1, 5, true),
]

describe('engagement histories', () => {
  it('keep purchase days with their spend, engaged days of either kind, up to the last day, customers with a purchase', () => {
    expect(engagementHistories(rows, 200)).toEqual([{ customer: 'a', days: [100, 150], spend: [30, 10], engaged: [100, 150, 190, 195] }])
  })

  it('label churn by the purchase days or, with the activity label, by any engaged day', () => {
    const [a] = engagementHistories(rows, 1000)
    expect(churnedAfter(a, 160, 30, 'purchase')).toBe(1)
    expect(churnedAfter(a, 160, 30, 'activity')).toBe(0)
    expect(churnedAfter(a, 195, 34, 'activity')).toBe(1)
    expect(churnedAfter(a, 195, 35, 'activity')).toBe(0)
  })

  it('give the engagement features from the engaged days up to the cutoff', () => {
    const [a] = engagementHistories(rows, 1000)
    const f = Object.fromEntries(ENGAGEMENT_FEATURES.map((name, j) => [name, engagementFeatures(a, 200)[j]]))
    expect(f).toEqual({
      log_engaged_recency_days: Math.log1p(5),
      // Days 195 (and not 190: 200 - 7 = 193) in the last 7; 190 and 195 in the last 30; 150 too in the last 90.
      log_engaged_days_7d: Math.log1p(1),
      log_engaged_days_30d: Math.log1p(2),
      log_engaged_days_90d: Math.log1p(3),
      // Day 150 in the 30 days before the last 30.
      engaged_trend_30d: Math.log(3 / 2),
      log_engaged_days_per_week: Math.log1p(4 / (101 / 7)),
    })
  })
})

describe('churn percentiles and bands', () => {
  it('cut the bands at 0.4 and 0.7 and rank equal probabilities together', () => {
    expect([0, 0.399, 0.4, 0.699, 0.7, 1].map(churnBand)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high'])
    const scores = churnScores(['w', 'x', 'y', 'z'], [0.9, 0.2, 0.5, 0.2])
    expect(Object.fromEntries(scores)).toEqual({
      w: { probability: 0.9, percentile: 100, band: 'high' },
      x: { probability: 0.2, percentile: 50, band: 'low' },
      y: { probability: 0.5, percentile: 75, band: 'medium' },
      z: { probability: 0.2, percentile: 50, band: 'low' },
    })
  })
})
