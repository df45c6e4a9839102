// The churn model's inputs worked out by hand for one customer: purchase days, the label of a
// window, every feature at a cutoff, and the cutoffs the training stacks.
import { describe, expect, it } from 'vitest'
import { CHURN_FEATURES, customerFeatures } from '../models/churn/churn-features.ts'
import { cutoffPlan } from '../models/churn/churn-training.ts'
import { churnedAfter, daysUpTo, purchaseHistories } from '../models/churn/purchase-history.ts'
import { bgnbdConditionalExpected, bgnbdPAlive } from '../models/value/bgnbd.ts'
import { bgnbdNoPurchaseProbability } from '../models/value/bgnbd-no-purchase.ts'

const DAY = 86_400_000
// Two purchases on day 100 (one purchase day, 15 spent), then days 130, 190 and 250.
const transactions = [
  { customer: 'a', time: 100 * DAY + 3_600_000, amount: 10 },
  { customer: 'a', time: 100 * DAY + 7_200_000, amount: 5 },
  { customer: 'a', time: 130 * DAY, amount: 20 },
  { customer: 'a', time: 190 * DAY, amount: 30 },
  { customer: 'a', time: 250 * DAY, amount: 40 },
  { customer: 'b', time: 260 * DAY, amount: 7 },
]

describe('purchase histories', () => {
  it('counts purchase days, sums a day\'s spend, and keeps nothing after the last day', () => {
    expect(purchaseHistories(transactions, 200)).toEqual([{ customer: 'a', days: [100, 130, 190], spend: [15, 20, 30] }])
    expect(purchaseHistories(transactions, 1000).map((h) => h.customer)).toEqual(['a', 'b'])
  })

  it('labels churn as no purchase day in (cutoff, cutoff + window]', () => {
    const [a] = purchaseHistories(transactions, 1000)
    expect(daysUpTo(a, 190)).toBe(3)
    expect(churnedAfter(a, 200, 50)).toBe(0)
    expect(churnedAfter(a, 200, 49)).toBe(1)
    expect(churnedAfter(a, 190, 59)).toBe(1)
    expect(churnedAfter(a, 250, 1000)).toBe(1)
  })
})

describe('features at a cutoff', () => {
  it('are computed from the purchases up to the cutoff only', () => {
    const [a] = purchaseHistories(transactions, 1000)
    const bg = { r: 0.5, alpha: 4, a: 0.8, b: 2.5 }
    const values = customerFeatures(a, daysUpTo(a, 200), 200, 60, bg)
    const f = Object.fromEntries(CHURN_FEATURES.map((name, j) => [name, values[j]]))
    const summary = { x: 2, tx: 90 / 7, T: 100 / 7 }
    expect(f).toEqual({
      recency_days: 10,
      log_recency_days: Math.log(11),
      log_frequency: Math.log(3),
      log_age_days: Math.log(101),
      log_purchases_30d: Math.log(2),
      log_purchases_90d: Math.log(3),
      log_purchases_180d: Math.log(4),
      log_spend_30d: Math.log(31),
      log_spend_90d: Math.log(51),
      log_spend_180d: Math.log(66),
      // Days 130 and 190 in the last 90 days, day 100 in the 90 before.
      trend_90d: Math.log(3 / 2),
      log_mean_gap_days: Math.log(46),
      log_last_gap_days: Math.log(61),
      log_overdue: Math.log1p(10 / 45),
      one_time_buyer: 0,
      log_mean_order_value: Math.log1p(65 / 3),
      bgnbd_p_alive: bgnbdPAlive(summary, bg),
      log_bgnbd_expected: Math.log1p(bgnbdConditionalExpected(summary, 60 / 7, bg)),
      bgnbd_logit_no_purchase: Math.log(bgnbdNoPurchaseProbability(summary, 60 / 7, bg) / (1 - bgnbdNoPurchaseProbability(summary, 60 / 7, bg))),
      window_days: 60,
    })
  })

  it('mark a one-time buyer, whose gaps and overdue ratio do not exist yet', () => {
    const [a] = purchaseHistories(transactions, 1000)
    const values = customerFeatures(a, daysUpTo(a, 120), 120, 30, { r: 0.5, alpha: 4, a: 0.8, b: 2.5 })
    const f = Object.fromEntries(CHURN_FEATURES.map((name, j) => [name, values[j]]))
    expect([f.one_time_buyer, f.log_frequency, f.log_mean_gap_days, f.log_overdue, f.bgnbd_p_alive]).toEqual([1, 0, 0, 0, 1])
    expect(values.every(Number.isFinite)).toBe(true)
  })
})

describe('training cutoffs', () => {
  it('step back from the calibration end with windows that end at it at the latest', () => {
    expect(cutoffPlan({ calibrationEndDay: 1000, horizonDays: 90 }, 900)).toEqual([
      { cutoffDay: 970, windowDays: 30 },
      { cutoffDay: 940, windowDays: 60 },
      { cutoffDay: 910, windowDays: 90 },
    ])
    expect(cutoffPlan({ calibrationEndDay: 1000, horizonDays: 20 }, 0).slice(0, 2)).toEqual([
      { cutoffDay: 980, windowDays: 20 },
      { cutoffDay: 960, windowDays: 20 },
    ])
    expect(cutoffPlan({ calibrationEndDay: 1000, horizonDays: 20 }, 0)).toHaveLength(12)
    expect(cutoffPlan({ calibrationEndDay: 1000, horizonDays: 90, stepDays: 45, maxCutoffs: 2 }, 0)).toEqual([
      { cutoffDay: 955, windowDays: 45 },
      { cutoffDay: 910, windowDays: 90 },
    ])
  })
})
