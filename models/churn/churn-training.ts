// Training the churn model without looking past the calibration end (README, "Churn model"):
// cutoffs step back from the calibration end; each is labelled by the purchases in the window
// after it, which ends at the calibration end at the latest, so the window is the horizon or
// shorter, and its length is a feature. BG/NBD is refitted at every cutoff. The stacked rows fit
// one logistic regression, which then scores every customer at the calibration end.
import { churnFeatureNames, featuresAtCutoff } from './churn-features.ts'
import { interceptShiftToMean } from './level-anchor.ts'
import { fitLogistic, linearPredictor, predictLogistic, sigmoid, type LogisticModel } from './logistic-regression.ts'
import { churnedAfter, type ChurnLabel, type PurchaseHistory } from './purchase-history.ts'

export interface ChurnTrainingOptions {
  /** Last day with transactions the model may see (days since 1970-01-01 UTC). */
  calibrationEndDay: number
  /** Days after the scoring day in which no purchase means churn. */
  horizonDays: number
  /** Days between cutoffs (default: the horizon, at most 30). */
  stepDays?: number
  /** At most this many cutoffs (default 12). */
  maxCutoffs?: number
  /** A cutoff needs at least this many customers with a purchase by then (default 50). */
  minCustomers?: number
  l2?: number
  /** What churn means (default `purchase`); `activity` also adds the engagement features. */
  label?: ChurnLabel
  /** Train (and backtest) on at most this many customers, an even spread of them (default: all). */
  maxTrainingCustomers?: number
}

export interface CutoffUsed {
  cutoffDay: number
  windowDays: number
  rows: number
  churned: number
}

export interface TrainedChurnModel {
  model: LogisticModel
  features: readonly string[]
  cutoffs: CutoffUsed[]
  /** Cutoffs left out because BG/NBD could not be fitted there. */
  skippedCutoffs: number[]
  /** The training rows' labels and in-sample probabilities, stacked in cutoff order. */
  labels: number[]
  fitted: number[]
}

export const labelOf = (opts: ChurnTrainingOptions): ChurnLabel => opts.label ?? 'purchase'

/** At most `max` customers, every k-th in the given order, so that a refit of the same data picks the same ones. */
export function trainingSample(histories: readonly PurchaseHistory[], max: number | undefined): readonly PurchaseHistory[] {
  if (max === undefined || histories.length <= max) return histories
  const stride = histories.length / max
  return Array.from({ length: max }, (_, k) => histories[Math.floor(k * stride)])
}

export function stepDaysOf(opts: ChurnTrainingOptions): number {
  return opts.stepDays ?? Math.min(opts.horizonDays, 30)
}

/** The cutoffs, most recent first: calibration end - k x step, each window min(horizon, calibration end - cutoff). */
export function cutoffPlan(opts: ChurnTrainingOptions, firstDay: number): { cutoffDay: number; windowDays: number }[] {
  const step = stepDaysOf(opts)
  const plan: { cutoffDay: number; windowDays: number }[] = []
  for (let k = 1; k <= (opts.maxCutoffs ?? 12); k++) {
    const cutoffDay = opts.calibrationEndDay - k * step
    if (cutoffDay < firstDay) break
    plan.push({ cutoffDay, windowDays: Math.min(opts.horizonDays, opts.calibrationEndDay - cutoffDay) })
  }
  return plan
}

/** Null when no cutoff before the calibration end leaves enough history to train on. */
export function firstPurchaseDay(histories: readonly PurchaseHistory[]): number {
  let first = Infinity
  for (const h of histories) if (h.days.length && h.days[0] < first) first = h.days[0]
  return first
}

export function trainChurnModel(histories: readonly PurchaseHistory[], opts: ChurnTrainingOptions): TrainedChurnModel | null {
  const firstDay = firstPurchaseDay(histories)
  const rows: number[][] = []
  const labels: number[] = []
  const cutoffs: CutoffUsed[] = []
  const skippedCutoffs: number[] = []
  for (const { cutoffDay, windowDays } of cutoffPlan(opts, firstDay)) {
    let bought = 0
    for (const h of histories) if (h.days[0] <= cutoffDay) bought++
    if (bought < (opts.minCustomers ?? 50)) break
    const at = featuresAtCutoff(histories, cutoffDay, windowDays, labelOf(opts))
    if (!at) {
      skippedCutoffs.push(cutoffDay)
      continue
    }
    let churned = 0
    at.rowsOf.forEach((i, k) => {
      const y = churnedAfter(histories[i], cutoffDay, windowDays, labelOf(opts))
      churned += y
      labels.push(y)
      rows.push(at.rows[k])
    })
    cutoffs.push({ cutoffDay, windowDays, rows: at.rows.length, churned })
  }
  if (rows.length === 0) return null
  const model = fitLogistic(rows, labels, { l2: opts.l2 })
  return { model, features: churnFeatureNames(labelOf(opts)), cutoffs, skippedCutoffs, labels, fitted: rows.map((r) => predictLogistic(model, r)) }
}

export interface ChurnScoring {
  scoringDay: number
  horizonDays: number
  customers: string[]
  /** Probability of no purchase in the horizon after the scoring day. */
  probabilities: number[]
  /** BG/NBD refitted at the scoring day: expected purchases and P(no purchase) in the horizon. */
  bgnbdExpected: number[]
  bgnbdNoPurchase: number[]
  /**
   * Shift added to every log-odds: non-zero only when the horizon is longer than every training
   * window, where the mean is set to BG/NBD's (README, "Churn model").
   */
  levelShift: number
  anchoredToBgNbd: boolean
}

/** Every customer with a purchase by the scoring day, scored for the horizon after it; null when BG/NBD cannot be fitted there. */
export function scoreChurn(trained: TrainedChurnModel, histories: readonly PurchaseHistory[], scoringDay: number, horizonDays: number, label: ChurnLabel = 'purchase'): ChurnScoring | null {
  const at = featuresAtCutoff(histories, scoringDay, horizonDays, label)
  if (!at) return null
  const logits = at.rows.map((row) => linearPredictor(trained.model, row))
  // Past the longest window it was trained on, the regression extrapolates in window length and
  // customer age together and its level drifts; BG/NBD extrapolates in time by construction, so
  // its expected share without a purchase sets the level and the regression keeps the order.
  // BG/NBD says nothing of activity events, so only the purchase label can take its level.
  const anchoredToBgNbd = label === 'purchase' && horizonDays > Math.max(...trained.cutoffs.map((c) => c.windowDays))
  const target = at.bgnbdNoPurchase.reduce((s, p) => s + p, 0) / at.bgnbdNoPurchase.length
  const levelShift = anchoredToBgNbd && target > 0 && target < 1 ? interceptShiftToMean(logits, target) : 0
  return {
    scoringDay,
    horizonDays,
    customers: at.customers,
    probabilities: logits.map((z) => sigmoid(z + levelShift)),
    bgnbdExpected: at.bgnbdExpected,
    bgnbdNoPurchase: at.bgnbdNoPurchase,
    levelShift,
    anchoredToBgNbd,
  }
}
