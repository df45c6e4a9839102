// The churn model's statistics on cases small enough to work out by hand: ranking and fit
// metrics (ties averaged), lift by decile, the calibration table, the logistic regression's
// closed-form cases, the intercept update, and BG/NBD's probability of no purchase.
import { describe, expect, it } from 'vitest'
import { averagePrecision, averagedRanks, brierScore, rocAuc, rocCurve } from '../models/churn/classification-metrics.ts'
import { interceptShiftToMean } from '../models/churn/level-anchor.ts'
import { fitLogistic, predictLogistic, rawCoefficients, sigmoid } from '../models/churn/logistic-regression.ts'
import { calibrationTable, liftByDecile } from '../models/churn/score-tables.ts'
import { bgnbdProbabilityOfPurchases } from '../models/value/bgnbd.ts'
import { bgnbdNoPurchaseProbability } from '../models/value/bgnbd-no-purchase.ts'

describe('ranking and fit metrics', () => {
  it('gives equal values the mean of their ranks', () => {
    expect(averagedRanks([0.3, 0.1, 0.3, 0.2, 0.3])).toEqual([4, 1, 4, 2, 4])
  })

  it('computes the ROC AUC as the share of positive-negative pairs in order, ties counting one half', () => {
    // Positives 0.9, 0.4, 0.4; negatives 0.4, 0.1: pairs in order 2 + 0.5 + 1 + 0.5 + 1 = 5 of 6.
    expect(rocAuc([0.9, 0.4, 0.4, 0.4, 0.1], [1, 1, 1, 0, 0])).toBeCloseTo(5 / 6, 12)
    expect(rocAuc([0.1, 0.2, 0.3, 0.4], [1, 1, 0, 0])).toBe(0)
    expect(rocAuc([0.5, 0.5, 0.5], [1, 0, 1])).toBe(0.5)
    expect(rocAuc([0.2, 0.3], [1, 1])).toBeNaN()
  })

  it('computes average precision over distinct thresholds, highest first', () => {
    // Thresholds 0.9 (1 of 1 right: recall 1/2, precision 1), 0.8 (wrong), 0.7 (recall 2/2,
    // precision 2/3): AP = 1/2 x 1 + 1/2 x 2/3.
    expect(averagePrecision([0.9, 0.8, 0.7, 0.1], [1, 0, 1, 0])).toBeCloseTo(0.5 + 1 / 3, 12)
    // A tie of a positive and a negative at the top is one threshold with precision 1/2.
    expect(averagePrecision([0.9, 0.9, 0.1], [1, 0, 0])).toBeCloseTo(0.5, 12)
    expect(averagePrecision([0.9, 0.1], [0, 0])).toBeNaN()
  })

  it('draws the ROC curve point by point over distinct scores, ties moving both rates, thinned with its ends kept', () => {
    // Positives 0.9, 0.4, 0.4; negatives 0.4, 0.1. At 0.9: 1/3 of the positives, none of the
    // negatives; at 0.4 (three tied): all positives, half the negatives; at 0.1: everything.
    expect(rocCurve([0.9, 0.4, 0.4, 0.4, 0.1], [1, 1, 1, 0, 0])).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 1 / 3 },
      { fpr: 0.5, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ])
    expect(rocCurve([0.2, 0.3], [1, 1])).toEqual([])
    const many = Array.from({ length: 1000 }, (_, i) => i / 1000)
    const thinned = rocCurve(many, many.map((_, i) => i % 2), 11)
    expect(thinned).toHaveLength(11)
    expect([thinned[0], thinned[10]]).toEqual([{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }])
  })

  it('computes the Brier score as the mean squared error of the probabilities', () => {
    expect(brierScore([0.9, 0.2, 0.5], [1, 0, 0])).toBeCloseTo((0.01 + 0.04 + 0.25) / 3, 12)
  })
})

describe('score tables', () => {
  it('cuts the customers into ten groups by score, highest first, with their churn rate, lift and capture', () => {
    // 20 customers: scores 20..1, the top 4 and number 11 churned (5 of 20, rate 0.25).
    const scores = Array.from({ length: 20 }, (_, i) => 20 - i)
    const labels = scores.map((_, i) => (i < 4 || i === 10 ? 1 : 0))
    const table = liftByDecile(scores, labels)
    expect(table.map((d) => d.customers)).toEqual(new Array(10).fill(2))
    expect(table.map((d) => d.churned)).toEqual([2, 2, 0, 0, 0, 1, 0, 0, 0, 0])
    expect(table[0]).toEqual({ decile: 1, customers: 2, churned: 2, rate: 1, lift: 4, cumulativeCapture: 0.4 })
    expect(table[5].lift).toBe(2)
    expect(table[9].cumulativeCapture).toBe(1)
  })

  it('gives the first deciles one customer more when the count does not divide by ten', () => {
    const table = liftByDecile(Array.from({ length: 13 }, (_, i) => i), new Array(13).fill(0))
    expect(table.map((d) => d.customers)).toEqual([2, 2, 2, 1, 1, 1, 1, 1, 1, 1])
  })

  it('bins the probabilities by tenths with the mean prediction and the observed rate', () => {
    const table = calibrationTable([0.05, 0.15, 0.12, 0.95, 1, 0.3], [0, 1, 0, 1, 1, 0])
    expect(table).toHaveLength(10)
    expect(table[1]).toEqual({ from: 0.1, to: 0.2, customers: 2, meanPredicted: (0.15 + 0.12) / 2, observedRate: 0.5 })
    expect(table[9]).toMatchObject({ customers: 2, meanPredicted: 0.975, observedRate: 1 })
    expect(table[3].customers).toBe(1)
    expect(table[5].customers).toBe(0)
  })
})

describe('logistic regression', () => {
  it('without a penalty, gives each group of a binary feature its observed rate', () => {
    // x = 0: 1 of 4 positive; x = 1: 3 of 4. The maximum-likelihood fit reproduces the rates,
    // and the coefficient per unit of x is the log odds ratio ln(3 / (1/3)) = ln 9.
    const rows = [[0], [0], [0], [0], [1], [1], [1], [1]]
    const y = [1, 0, 0, 0, 1, 1, 1, 0]
    const model = fitLogistic(rows, y, { l2: 0 })
    expect(model.converged).toBe(true)
    expect(predictLogistic(model, [0])).toBeCloseTo(0.25, 8)
    expect(predictLogistic(model, [1])).toBeCloseTo(0.75, 8)
    expect(rawCoefficients(model)[0]).toBeCloseTo(Math.log(9), 8)
  })

  it('shrinks the standardised coefficient by the penalty, where the penalised score is zero', () => {
    const rows = [[0], [0], [0], [0], [1], [1], [1], [1]]
    const y = [1, 0, 0, 0, 1, 1, 1, 0]
    const l2 = 2
    const model = fitLogistic(rows, y, { l2 })
    expect(Math.abs(model.coefficients[0])).toBeLessThan(Math.log(9) / 2)
    // Stationarity: sum_i (p_i - y_i) z_i + l2 b = 0 and sum_i (p_i - y_i) = 0 (intercept unpenalised).
    const z = rows.map(([x]) => (x - model.means[0]) / model.scales[0])
    const residual = rows.map((r, i) => predictLogistic(model, r) - y[i])
    expect(residual.reduce((s, e) => s + e, 0)).toBeCloseTo(0, 9)
    expect(residual.reduce((s, e, i) => s + e * z[i], 0) + l2 * model.coefficients[0]).toBeCloseTo(0, 9)
  })

  it('leaves a constant feature at zero and fits the overall rate', () => {
    const model = fitLogistic([[5], [5], [5], [5]], [1, 0, 0, 0])
    expect(model.coefficients[0]).toBe(0)
    expect(predictLogistic(model, [5])).toBeCloseTo(0.25, 8)
  })

  it('reports separable data without a penalty as not converged instead of running on', () => {
    const model = fitLogistic([[0], [1], [2], [3]], [0, 0, 1, 1], { l2: 0, maxIterations: 30 })
    expect(model.converged).toBe(false)
  })
})

describe('intercept update', () => {
  it('finds the shift that makes the mean probability the target', () => {
    // Both at log-odds 0: a mean of 0.75 needs log-odds ln 3.
    expect(interceptShiftToMean([0, 0], 0.75)).toBeCloseTo(Math.log(3), 9)
    const logits = [-2, 0.5, 3]
    const shift = interceptShiftToMean(logits, 0.4)
    expect(logits.reduce((s, z) => s + sigmoid(z + shift), 0) / 3).toBeCloseTo(0.4, 9)
  })
})

describe('BG/NBD probability of no purchase in a window', () => {
  const params = { r: 1, alpha: 1, a: 1, b: 1 }
  it('for a customer without repeat purchases (alive for sure) is E[exp(-lambda t)] = ((alpha + T) / (alpha + T + t))^r', () => {
    expect(bgnbdNoPurchaseProbability({ x: 0, tx: 0, T: 1 }, 2, params)).toBeCloseTo(0.5, 12)
  })

  it('adds the chance of having dropped out', () => {
    // P(alive) = 1 / (1 + (3/2)^2) = 4/13; quiet if alive (3/6)^2 = 1/4: 9/13 + 4/13 x 1/4 = 10/13.
    expect(bgnbdNoPurchaseProbability({ x: 1, tx: 1, T: 2 }, 3, params)).toBeCloseTo(10 / 13, 12)
  })

  it('for a new customer equals P(X(t) = 0) of the purchase-count distribution', () => {
    const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }
    expect(bgnbdNoPurchaseProbability({ x: 0, tx: 0, T: 0 }, 39, cdnow)).toBeCloseTo(bgnbdProbabilityOfPurchases(0, 39, cdnow), 12)
  })
})
