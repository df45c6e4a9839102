// BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way", Marketing Science
// 24(2)): purchases at rate lambda ~ Gamma(r, alpha) while alive, drop-out with probability
// p ~ Beta(a, b) after each purchase. Log-likelihood, its gradient, and the maximum-likelihood fit.
import { bfgs } from '../numerics/bfgs.ts'
import { bgnbdObjective } from './bgnbd-objective.ts'
import { bgnbdPartialSums, objectiveFromSums, SUM_FIELDS, type Objective } from './bgnbd-partial-sums.ts'
import type { BgNbdRows } from './bgnbd-rows.ts'
import type { CustomerSummary } from './customer-summary.ts'
import { invert, numericHessian } from '../numerics/hessian.ts'
import { digamma, hyp2f1, lnGamma, logSumExp } from '../numerics/special-functions.ts'

export interface BgNbdParams {
  r: number
  alpha: number
  a: number
  b: number
}

export interface BgNbdFit extends BgNbdParams {
  /** Total log-likelihood in the data's time unit. */
  ll: number
  /** Standard errors (inverse Hessian of the mean negative log-likelihood in log space, delta method); NaN when the Hessian is singular. */
  se: BgNbdParams
  iterations: number
  converged: boolean
}

/** Log-likelihood of one customer and its gradient in (r, alpha, a, b). */
export function bgnbdCustomerLl(c: CustomerSummary, { r, alpha, a, b }: BgNbdParams): { ll: number; grad: [number, number, number, number] } {
  const { x, tx, T } = c
  const a1 = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha)
  const a2 = lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x)
  const a3 = -(r + x) * Math.log(alpha + T)
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity
  const tail = logSumExp(a3, a4)
  const w3 = Math.exp(a3 - tail)
  const w4 = x > 0 ? 1 - w3 : 0
  const logT = Math.log(alpha + T)
  const logTx = x > 0 ? Math.log(alpha + tx) : 0
  const psiAB = digamma(a + b) - digamma(a + b + x)
  return {
    ll: a1 + a2 + tail,
    grad: [
      digamma(r + x) - digamma(r) + Math.log(alpha) - w3 * logT - w4 * logTx,
      r / alpha - w3 * (r + x) / (alpha + T) - (x > 0 ? (w4 * (r + x)) / (alpha + tx) : 0),
      psiAB + (x > 0 ? w4 / a : 0),
      psiAB + digamma(b + x) - digamma(b) - (x > 0 ? w4 / (b + x - 1) : 0),
    ],
  }
}

export function bgnbdLl(customers: readonly CustomerSummary[], params: BgNbdParams): number {
  let ll = 0
  for (const c of customers) ll += bgnbdCustomerLl(c, params).ll
  return ll
}

/**
 * Maximum likelihood as the reference implementation (lifetimes' BetaGeoFitter) does it: time rescaled so
 * the longest observation is 1, log-parameters started at 0.1, BFGS on the mean negative
 * log-likelihood with its analytic gradient to a gradient norm of 1e-7; alpha scaled back after.
 */
export function fitBgNbd(customers: readonly CustomerSummary[], options: { gradientTolerance?: number } = {}): BgNbdFit {
  if (customers.length === 0) throw new Error('fitting BG/NBD needs at least one customer')
  let scale = 0
  for (const c of customers) if (c.T > scale) scale = c.T
  const { fit, params } = minimise(bgnbdObjective(customers, scale), scale, customers.length, options)
  return { ...fit, ll: bgnbdLl(customers, params) }
}

/**
 * The same fit on customers grouped by row (bgnbd-rows.ts), its sums computed by `sums` (in parts
 * on several threads, say; by default here). The log-likelihood in the data's time unit is the
 * rescaled one less ln(scale) per repeat purchase: scaling time by s scales the density of each
 * of a customer's x repeat purchase times by 1/s.
 */
export function fitBgNbdRows(rows: BgNbdRows, sums: (theta: readonly number[]) => Float64Array = localSums(rows), options: { gradientTolerance?: number } = {}): BgNbdFit {
  if (rows.customers === 0) throw new Error('fitting BG/NBD needs at least one customer')
  const { fit, value } = minimise(objectiveFromSums(sums, rows.customers), rows.scale, rows.customers, options)
  let purchases = 0
  for (let i = 0; i < rows.count; i++) purchases += rows.weight[i] * rows.x[i]
  return { ...fit, ll: -value * rows.customers - purchases * Math.log(rows.scale) }
}

function localSums(rows: BgNbdRows): (theta: readonly number[]) => Float64Array {
  const out = new Float64Array(SUM_FIELDS)
  return (theta) => {
    bgnbdPartialSums(rows, 0, rows.count, theta, out)
    return out
  }
}

function minimise(objective: Objective, scale: number, n: number, options: { gradientTolerance?: number }): { fit: Omit<BgNbdFit, 'll'>; params: BgNbdParams; value: number } {
  const result = bfgs(objective, [0.1, 0.1, 0.1, 0.1], { gradientTolerance: options.gradientTolerance ?? 1e-7 })
  const [r, alphaScaled, a, b] = result.x.map(Math.exp)
  const params = { r, alpha: alphaScaled * scale, a, b }
  // Var(theta) = theta^2 Var(log theta); Var(log theta) = inv(H) / n for the mean NLL's Hessian H.
  // A singular H (e.g. nobody bought twice: a and b leave the likelihood) has no standard errors.
  const cov = invert(numericHessian((theta) => objective(theta).gradient, result.x))
  const values = [r, params.alpha, a, b]
  const [seR, seAlpha, seA, seB] = values.map((v, i) => (cov ? v * Math.sqrt(Math.max(0, cov[i][i]) / n) : NaN))
  return { fit: { ...params, se: { r: seR, alpha: seAlpha, a: seA, b: seB }, iterations: result.iterations, converged: result.converged }, params, value: result.value }
}

/**
 * P(alive): the probability that the customer has not dropped out by T (Fader, Hardie & Lee
 * 2005, eq. 13): exactly 1 without repeat purchases, since drop-out only follows a repeat one.
 */
export function bgnbdPAlive({ x, tx, T }: CustomerSummary, { r, alpha, a, b }: BgNbdParams): number {
  if (x === 0) return 1
  const logRatio = (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))
  return 1 / (1 + Math.exp(Math.log(a / (b + x - 1)) + logRatio))
}

/** a = 1 makes the expectations 0/0 (removable): take the mean of the values just beside it. */
function besideOne(a: number, f: (a: number) => number): number {
  return Math.abs(a - 1) < 1e-7 ? (f(1 - 1e-6) + f(1 + 1e-6)) / 2 : f(a)
}

/**
 * Expected purchases in (T, T + t] of a customer with history (x, t_x, T) (Fader, Hardie & Lee
 * 2005, eq. 10), in the overflow-free form that Euler's transformation of the 2F1 term gives.
 */
export function bgnbdConditionalExpected(c: CustomerSummary, t: number, params: BgNbdParams): number {
  const { x, tx, T } = c
  const { r, alpha, b } = params
  if (t <= 0) return 0
  return besideOne(params.a, (a) => {
    const z = t / (alpha + T + t)
    const second = 1 - Math.pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
    const alive = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))) : 1
    return ((a + b + x - 1) / (a - 1)) * (second / alive)
  })
}

/** Expected purchases of a new customer in (0, t] (Fader, Hardie & Lee 2005, eq. 9). */
export function bgnbdExpected(t: number, { r, alpha, a: aIn, b }: BgNbdParams): number {
  if (t <= 0) return 0
  return besideOne(aIn, (a) => ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, t / (alpha + t))))
}

/**
 * P(X(t) = n): the probability that a new customer makes n purchases in (0, t] (Fader, Hardie &
 * Lee 2005, eq. 8), with the gamma and beta functions in logs.
 */
export function bgnbdProbabilityOfPurchases(n: number, t: number, { r, alpha, a, b }: BgNbdParams): number {
  const lnBeta = (p: number, q: number) => lnGamma(p) + lnGamma(q) - lnGamma(p + q)
  const lnB = lnBeta(a, b)
  const z = t / (alpha + t)
  const rPart = r * Math.log(alpha / (alpha + t))
  const first = Math.exp(lnBeta(a, b + n) - lnB + lnGamma(r + n) - lnGamma(r) - lnGamma(n + 1) + rPart + (n > 0 ? n * Math.log(z) : 0))
  if (n === 0) return first
  // 1 - (alpha/(alpha+t))^r * sum_{j<n} Gamma(r+j) / (Gamma(r) j!) z^j, the terms by recurrence.
  let term = 1
  let sum = 0
  for (let j = 0; j < n; j++) {
    sum += term
    term *= ((r + j) / (j + 1)) * z
  }
  // For large n the difference is rounding noise around 0: never let it go negative.
  const second = Math.exp(lnBeta(a + 1, b + n - 1) - lnB) * Math.max(0, 1 - Math.exp(rPart) * sum)
  return first + second
}
