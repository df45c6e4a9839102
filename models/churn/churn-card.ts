// The churn model's quality card (README, "Churn model"): the model trained up to the calibration
// end with its coefficients, training window and rows; its fit on the training rows; a backtest
// on the last closed period (the most recent cutoff held out: the whole procedure rerun as if the
// calibration end were that cutoff, then checked against what happened up to the real one) beside
// BG/NBD on the same rows; and every customer's score at the calibration end.
import { averagePrecision, brierScore, rocAuc, rocCurve, type RocPoint } from './classification-metrics.ts'
import { rawCoefficients } from './logistic-regression.ts'
import type { PurchaseHistory } from './purchase-history.ts'
import { churnedAfter, type ChurnLabel } from './purchase-history.ts'
import { calibrationTable, liftByDecile, type CalibrationRow, type DecileRow } from './score-tables.ts'
import { firstPurchaseDay, labelOf, scoreChurn, stepDaysOf, trainChurnModel, trainingSample, type ChurnScoring, type ChurnTrainingOptions, type CutoffUsed } from './churn-training.ts'

export interface ScoreQuality {
  rows: number
  churnRate: number
  auc: number
  prAuc: number
  brier: number
  lift: DecileRow[]
  calibration: CalibrationRow[]
  /** The ROC curve, thinned for drawing; absent on cards stored before it was kept. */
  roc?: RocPoint[]
}

export interface ChurnCard {
  /** What churn means: `purchase` (no purchase in the horizon) or `activity` (no activity event and no purchase). */
  label: ChurnLabel
  calibrationEnd: string
  horizonDays: number
  stepDays: number
  /** History from the first purchase; labels from the day after the earliest cutoff to the calibration end. */
  /** `customers`: how many customers the training drew its rows from (all, or an even sample of them). */
  training: { customers: number; historyFrom: string; labelsFrom: string; to: string; rows: number; cutoffs: (CutoffUsed & { cutoff: string })[]; skippedCutoffs: string[]; l2: number; converged: boolean; iterations: number }
  intercept: number
  /** Per feature: the coefficient on the standardised feature and per unit of the feature. */
  coefficients: { feature: string; standardised: number; perUnit: number }[]
  inSample: ScoreQuality
  backtest: { cutoff: string; windowDays: number; trainingRows: number; model: ScoreQuality; bgnbd: { auc: number; brier: number } } | null
  scoring: { customers: number; meanProbability: number; anchoredToBgNbd: boolean; levelShift: number }
}

const DAY = 86_400_000
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10)

export function scoreQuality(probabilities: readonly number[], labels: readonly number[]): ScoreQuality {
  return {
    rows: labels.length,
    churnRate: labels.reduce((s, y) => s + y, 0) / labels.length,
    auc: rocAuc(probabilities, labels),
    prAuc: averagePrecision(probabilities, labels),
    brier: brierScore(probabilities, labels),
    lift: liftByDecile(probabilities, labels),
    calibration: calibrationTable(probabilities, labels),
    roc: rocCurve(probabilities, labels),
  }
}

/** What happened to each scored customer in the window after the scoring day (1: no purchase). */
export function outcomes(histories: readonly PurchaseHistory[], scoring: ChurnScoring, windowDays: number, label: ChurnLabel = 'purchase'): number[] {
  const byCustomer = new Map(histories.map((h) => [h.customer, h]))
  return scoring.customers.map((c) => churnedAfter(byCustomer.get(c)!, scoring.scoringDay, windowDays, label))
}

function backtest(histories: readonly PurchaseHistory[], opts: ChurnTrainingOptions, cutoff: CutoffUsed | undefined): ChurnCard['backtest'] {
  if (!cutoff) return null
  const trained = trainChurnModel(histories, { ...opts, calibrationEndDay: cutoff.cutoffDay })
  // Too little history before the last cutoff to train there: no backtest, and the card says so.
  if (!trained) return null
  const scoring = scoreChurn(trained, histories, cutoff.cutoffDay, cutoff.windowDays, labelOf(opts))
  if (!scoring) return null
  const labels = outcomes(histories, scoring, cutoff.windowDays, labelOf(opts))
  return {
    cutoff: dateOf(cutoff.cutoffDay),
    windowDays: cutoff.windowDays,
    trainingRows: trained.labels.length,
    model: scoreQuality(scoring.probabilities, labels),
    bgnbd: { auc: rocAuc(scoring.bgnbdExpected.map((e) => -e), labels), brier: brierScore(scoring.bgnbdNoPurchase, labels) },
  }
}

/**
 * Trains on `histories` (which must hold nothing after the calibration end), scores every
 * customer, and builds the card. Null, with the reason, when the data cannot train the model.
 */
export function buildChurnCard(histories: readonly PurchaseHistory[], opts: ChurnTrainingOptions): { card: ChurnCard; scoring: ChurnScoring } | { problem: string } {
  // A large population trains on an even sample (the cost grows with rows x cutoffs); all are scored.
  const training = trainingSample(histories, opts.maxTrainingCustomers)
  const trained = trainChurnModel(training, opts)
  if (!trained) return { problem: `no cutoff ${stepDaysOf(opts)} or more days before the calibration end has ${opts.minCustomers ?? 50} customers with a purchase and a BG/NBD fit` }
  const scoring = scoreChurn(trained, histories, opts.calibrationEndDay, opts.horizonDays, labelOf(opts))
  if (!scoring) return { problem: 'BG/NBD cannot be fitted at the calibration end (nobody bought again by then, or the fit did not converge)' }
  const perUnit = rawCoefficients(trained.model)
  const earliest = Math.min(...trained.cutoffs.map((c) => c.cutoffDay))
  const card: ChurnCard = {
    label: labelOf(opts),
    calibrationEnd: dateOf(opts.calibrationEndDay),
    horizonDays: opts.horizonDays,
    stepDays: stepDaysOf(opts),
    training: {
      customers: training.length,
      historyFrom: dateOf(firstPurchaseDay(histories)),
      labelsFrom: dateOf(earliest + 1),
      to: dateOf(opts.calibrationEndDay),
      rows: trained.labels.length,
      cutoffs: trained.cutoffs.map((c) => ({ ...c, cutoff: dateOf(c.cutoffDay) })),
      skippedCutoffs: trained.skippedCutoffs.map(dateOf),
      l2: opts.l2 ?? 1,
      converged: trained.model.converged,
      iterations: trained.model.iterations,
    },
    intercept: trained.model.intercept,
    coefficients: trained.features.map((feature, j) => ({ feature, standardised: trained.model.coefficients[j], perUnit: perUnit[j] })),
    inSample: scoreQuality(trained.fitted, trained.labels),
    backtest: backtest(training, opts, trained.cutoffs[0]),
    scoring: {
      customers: scoring.customers.length,
      meanProbability: scoring.probabilities.reduce((s, p) => s + p, 0) / scoring.probabilities.length,
      anchoredToBgNbd: scoring.anchoredToBgNbd,
      levelShift: scoring.levelShift,
    },
  }
  return { card, scoring }
}
