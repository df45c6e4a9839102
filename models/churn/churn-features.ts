// The churn model's features of one customer at a cutoff day, from the purchase days up to and
// including that day only (README, "Churn model"). Counts, spends and gaps enter on a log scale:
// their effect on the log-odds of churn flattens as they grow. BG/NBD is refitted at each cutoff
// (weeks as its unit, as the value models) and its quantities are features in their own right.
import { bgnbdConditionalExpected, bgnbdPAlive, fitBgNbd, type BgNbdFit, type BgNbdParams } from '../value/bgnbd.ts'
import { bgnbdNoPurchaseProbability } from '../value/bgnbd-no-purchase.ts'
import type { CustomerSummary } from '../value/customer-summary.ts'
import { ENGAGEMENT_FEATURES, engagementFeatures } from './engagement-features.ts'
import { daysUpTo, type ChurnLabel, type PurchaseHistory } from './purchase-history.ts'

export const CHURN_FEATURES = [
  'recency_days',
  'log_recency_days',
  'log_frequency',
  'log_age_days',
  'log_purchases_30d',
  'log_purchases_90d',
  'log_purchases_180d',
  'log_spend_30d',
  'log_spend_90d',
  'log_spend_180d',
  'trend_90d',
  'log_mean_gap_days',
  'log_last_gap_days',
  'log_overdue',
  'one_time_buyer',
  'log_mean_order_value',
  'bgnbd_p_alive',
  'log_bgnbd_expected',
  'bgnbd_logit_no_purchase',
  'window_days',
] as const

const WEEK = 7
const log1p = Math.log1p

/** The features of a label's model: the activity label adds the engagement features. */
export function churnFeatureNames(label: ChurnLabel): readonly string[] {
  return label === 'activity' ? [...CHURN_FEATURES, ...ENGAGEMENT_FEATURES] : CHURN_FEATURES
}

/** BG/NBD's summary of a customer at a cutoff, in weeks (purchase days as periods). */
export function summaryAt(history: PurchaseHistory, count: number, cutoffDay: number): CustomerSummary {
  const first = history.days[0]
  return { x: count - 1, tx: (history.days[count - 1] - first) / WEEK, T: (cutoffDay - first) / WEEK }
}

function logit(p: number): number {
  // Clamped so that a certain 0 or 1 stays a finite feature.
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p))
  return Math.log(q / (1 - q))
}

/** Features in CHURN_FEATURES order; `count` is the number of purchase days up to the cutoff (at least 1). */
export function customerFeatures(history: PurchaseHistory, count: number, cutoffDay: number, windowDays: number, bg: BgNbdParams): number[] {
  const { days, spend } = history
  const first = days[0]
  const last = days[count - 1]
  const repeat = count - 1
  const recency = cutoffDay - last
  const trailing = (from: number, to: number) => {
    let n = 0
    let total = 0
    for (let i = count - 1; i >= 0 && days[i] > cutoffDay - to; i--) {
      if (days[i] <= cutoffDay - from) {
        n++
        total += spend[i]
      }
    }
    return { n, total }
  }
  const w30 = trailing(0, 30)
  const w90 = trailing(0, 90)
  const w180 = trailing(0, 180)
  const before90 = trailing(90, 180)
  const meanGap = repeat > 0 ? (last - first) / repeat : 0
  const lastGap = repeat > 0 ? last - days[count - 2] : 0
  let totalSpend = 0
  for (let i = 0; i < count; i++) totalSpend += spend[i]
  const summary = summaryAt(history, count, cutoffDay)
  return [
    recency,
    log1p(recency),
    log1p(repeat),
    log1p(cutoffDay - first),
    log1p(w30.n),
    log1p(w90.n),
    log1p(w180.n),
    log1p(Math.max(0, w30.total)),
    log1p(Math.max(0, w90.total)),
    log1p(Math.max(0, w180.total)),
    Math.log((w90.n + 1) / (before90.n + 1)),
    log1p(meanGap),
    log1p(lastGap),
    // How overdue the next purchase is; a one-time buyer has no gap yet (its own feature says so).
    repeat > 0 ? log1p(recency / meanGap) : 0,
    repeat > 0 ? 0 : 1,
    log1p(Math.max(0, totalSpend / count)),
    bgnbdPAlive(summary, bg),
    log1p(bgnbdConditionalExpected(summary, windowDays / WEEK, bg)),
    logit(bgnbdNoPurchaseProbability(summary, windowDays / WEEK, bg)),
    windowDays,
  ]
}

export interface CutoffFeatures {
  customers: string[]
  /** Index into the histories of each row. */
  rowsOf: number[]
  rows: number[][]
  bgnbd: BgNbdFit
  /** BG/NBD's own churn view of each row, the baseline the model is compared with: expected purchases and P(no purchase) in the window. */
  bgnbdExpected: number[]
  bgnbdNoPurchase: number[]
}

/**
 * Every customer with a purchase on or before the cutoff, with BG/NBD refitted on them. Null when
 * BG/NBD cannot be fitted there (nobody bought again by then, the fit did not converge, or its
 * quantities cannot be evaluated).
 */
export function featuresAtCutoff(histories: readonly PurchaseHistory[], cutoffDay: number, windowDays: number, label: ChurnLabel = 'purchase'): CutoffFeatures | null {
  const rowsOf: number[] = []
  const counts: number[] = []
  histories.forEach((h, i) => {
    const count = daysUpTo(h, cutoffDay)
    if (count > 0) {
      rowsOf.push(i)
      counts.push(count)
    }
  })
  const summaries = rowsOf.map((i, k) => summaryAt(histories[i], counts[k], cutoffDay))
  if (!summaries.some((s) => s.x > 0)) return null
  const bgnbd = fitBgNbd(summaries)
  if (!bgnbd.converged || ![bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b].every(Number.isFinite)) return null
  const weeks = windowDays / WEEK
  const rows = rowsOf.map((i, k) => {
    const row = customerFeatures(histories[i], counts[k], cutoffDay, windowDays, bgnbd)
    return label === 'activity' ? [...row, ...engagementFeatures(histories[i], cutoffDay)] : row
  })
  // A fit whose drop-out parameters run off to extremes (a and b in the millions, nobody seen
  // dropping out yet) leaves BG/NBD's expectations unevaluable: such a cutoff cannot be used.
  if (!rows.every((r) => r.every(Number.isFinite))) return null
  return {
    customers: rowsOf.map((i) => histories[i].customer),
    rowsOf,
    rows,
    bgnbd,
    bgnbdExpected: summaries.map((s) => bgnbdConditionalExpected(s, weeks, bgnbd)),
    bgnbdNoPurchase: summaries.map((s) => bgnbdNoPurchaseProbability(s, weeks, bgnbd)),
  }
}
