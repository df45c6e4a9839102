// L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
// squares), on standardised features so one penalty weight means the same for every feature
// (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, 2nd ed., 4.4.1 and 3.4.1).
// The intercept is not penalised. Few features (tens), so the Hessian is inverted outright.
import { invert } from '../numerics/hessian.ts'

export interface LogisticOptions {
  /** Penalty weight on the squared standardised coefficients (the objective is the summed negative log-likelihood plus l2/2 * |beta|^2). */
  l2?: number
  maxIterations?: number
  /** Converged when no standardised coefficient moves by more than this in a Newton step. */
  tolerance?: number
}

export interface LogisticModel {
  /** Per feature: the mean and standard deviation used to standardise it (1 for a constant feature). */
  means: number[]
  scales: number[]
  /** Intercept and coefficients on the standardised features. */
  intercept: number
  coefficients: number[]
  /** Penalised negative log-likelihood at the fit. */
  objective: number
  iterations: number
  converged: boolean
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)))
/** log(1 + e^z) without overflow. */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)))

function standardiser(rows: readonly number[][], p: number): { means: number[]; scales: number[] } {
  const n = rows.length
  const means = Array.from({ length: p }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n)
  const scales = means.map((m, j) => {
    const sd = Math.sqrt(rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / n)
    // A constant column carries no information: leave it centred at 0 rather than divide by 0.
    return sd > 1e-12 ? sd : 1
  })
  return { means, scales }
}

function penalisedObjective(z: number[][], y: readonly number[], beta: number[], l2: number): number {
  let value = 0
  for (let i = 0; i < z.length; i++) {
    let eta = 0
    for (let j = 0; j < beta.length; j++) eta += beta[j] * z[i][j]
    value += softplus(eta) - y[i] * eta
  }
  for (let j = 1; j < beta.length; j++) value += (l2 / 2) * beta[j] ** 2
  return value
}

/** Fits P(y = 1 | x) = sigmoid(b0 + sum_j b_j (x_j - mean_j) / sd_j). `y` holds 0 or 1. */
export function fitLogistic(rows: readonly number[][], y: readonly number[], options: LogisticOptions = {}): LogisticModel {
  const l2 = options.l2 ?? 1
  const maxIterations = options.maxIterations ?? 100
  const tolerance = options.tolerance ?? 1e-9
  if (rows.length === 0) throw new Error('logistic regression needs at least one row')
  if (rows.length !== y.length) throw new Error(`logistic regression: ${rows.length} rows but ${y.length} labels`)
  const p = rows[0].length
  const { means, scales } = standardiser(rows, p)
  // Column 0 is the intercept's constant 1.
  const z = rows.map((r) => [1, ...r.map((v, j) => (v - means[j]) / scales[j])])
  const k = p + 1
  let beta = new Array<number>(k).fill(0)
  let objective = penalisedObjective(z, y, beta, l2)
  for (let iter = 1; iter <= maxIterations; iter++) {
    const gradient = new Array<number>(k).fill(0)
    const hessian = Array.from({ length: k }, () => new Array<number>(k).fill(0))
    for (let i = 0; i < z.length; i++) {
      let eta = 0
      for (let j = 0; j < k; j++) eta += beta[j] * z[i][j]
      const mu = sigmoid(eta)
      const w = mu * (1 - mu)
      for (let j = 0; j < k; j++) {
        gradient[j] += (mu - y[i]) * z[i][j]
        for (let l = 0; l <= j; l++) hessian[j][l] += w * z[i][j] * z[i][l]
      }
    }
    for (let j = 0; j < k; j++) for (let l = 0; l < j; l++) hessian[l][j] = hessian[j][l]
    for (let j = 1; j < k; j++) {
      gradient[j] += l2 * beta[j]
      hessian[j][j] += l2
    }
    const inverse = invert(hessian)
    // Singular only without a penalty and with separable or collinear data: report it unconverged.
    if (!inverse) return { means, scales, intercept: beta[0], coefficients: beta.slice(1), objective, iterations: iter, converged: false }
    const step = inverse.map((row) => row.reduce((s, v, l) => s + v * gradient[l], 0))
    // Halve the Newton step until the objective does not increase (it is convex, so this ends).
    let t = 1
    let next = beta.map((b, j) => b - t * step[j])
    let nextObjective = penalisedObjective(z, y, next, l2)
    while (nextObjective > objective && t > 1e-10) {
      t /= 2
      next = beta.map((b, j) => b - t * step[j])
      nextObjective = penalisedObjective(z, y, next, l2)
    }
    const moved = Math.max(...next.map((b, j) => Math.abs(b - beta[j])))
    beta = next
    objective = nextObjective
    if (moved < tolerance) return { means, scales, intercept: beta[0], coefficients: beta.slice(1), objective, iterations: iter, converged: true }
  }
  return { means, scales, intercept: beta[0], coefficients: beta.slice(1), objective, iterations: maxIterations, converged: false }
}

/** The log-odds the model gives a row. */
export function linearPredictor(model: LogisticModel, row: readonly number[]): number {
  let eta = model.intercept
  for (let j = 0; j < row.length; j++) eta += (model.coefficients[j] * (row[j] - model.means[j])) / model.scales[j]
  return eta
}

export function predictLogistic(model: LogisticModel, row: readonly number[]): number {
  return sigmoid(linearPredictor(model, row))
}

/** Coefficients per unit of each original feature (the standardised ones divided by the scale). */
export function rawCoefficients(model: LogisticModel): number[] {
  return model.coefficients.map((b, j) => b / model.scales[j])
}
