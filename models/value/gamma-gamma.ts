// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-value Curves", JMR
// 42(4); Fader & Hardie note 025): each transaction's value ~ Gamma(p, nu), nu ~ Gamma(q, gamma)
// across customers. Fitted on repeat customers only (x > 0, mean spend m > 0).
import { bfgs } from '../numerics/bfgs.ts'
import { distinctValues } from './distinct-values.ts'
import { digamma, lnGamma } from '../numerics/special-functions.ts'

export interface SpendSummary {
  /** Repeat transactions. */
  x: number
  /** Mean value of those transactions. */
  m: number
}

export interface GammaGammaParams {
  p: number
  q: number
  gamma: number
}

export interface GammaGammaFit extends GammaGammaParams {
  ll: number
  iterations: number
  converged: boolean
}

export function gammaGammaCustomerLl({ x, m }: SpendSummary, { p, q, gamma }: GammaGammaParams): { ll: number; grad: [number, number, number] } {
  const px = p * x
  const total = x * m + gamma
  const ll = lnGamma(px + q) - lnGamma(px) - lnGamma(q) + q * Math.log(gamma) + (px - 1) * Math.log(m) + px * Math.log(x) - (px + q) * Math.log(total)
  const psiPxq = digamma(px + q)
  return {
    ll,
    grad: [
      x * (psiPxq - digamma(px) + Math.log(m) + Math.log(x) - Math.log(total)),
      psiPxq - digamma(q) + Math.log(gamma) - Math.log(total),
      q / gamma - (px + q) / total,
    ],
  }
}

/**
 * Mean negative log-likelihood and its gradient in log-parameters; the gamma-function terms depend
 * on a customer only through x, so they are computed once per distinct x.
 */
function gammaGammaObjective(xs: Float64Array, ms: Float64Array): (theta: number[]) => { value: number; gradient: number[] } {
  const n = xs.length
  const lnM = new Float64Array(n)
  const xm = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    lnM[i] = Math.log(ms[i])
    xm[i] = xs[i] * ms[i]
  }
  const { values: distinct, group } = distinctValues(xs)
  const k = distinct.length
  const lnX = distinct.map(Math.log)
  const gx = new Float64Array(k)
  const dp = new Float64Array(k)
  const dq = new Float64Array(k)
  return (theta) => {
    const [p, q, gamma] = theta.map(Math.exp)
    const lnGq = lnGamma(q)
    const psiQ = digamma(q)
    for (let g = 0; g < k; g++) {
      const x = distinct[g]
      const px = p * x
      const psiPxq = digamma(px + q)
      gx[g] = lnGamma(px + q) - lnGamma(px) - lnGq + px * lnX[g]
      dp[g] = x * (psiPxq - digamma(px) + lnX[g])
      dq[g] = psiPxq - psiQ
    }
    const lnGamma_ = Math.log(gamma)
    let ll = 0
    let gp = 0
    let gq = 0
    let gg = 0
    for (let i = 0; i < n; i++) {
      const g = group[i]
      const x = xs[i]
      const px = p * x
      const total = xm[i] + gamma
      const lnTotal = Math.log(total)
      ll += gx[g] + q * lnGamma_ + (px - 1) * lnM[i] - (px + q) * lnTotal
      gp += dp[g] + x * (lnM[i] - lnTotal)
      gq += dq[g] + lnGamma_ - lnTotal
      gg += q / gamma - (px + q) / total
    }
    return { value: -ll / n, gradient: [(-gp * p) / n, (-gq * q) / n, (-gg * gamma) / n] }
  }
}

export function fitGammaGamma(customers: readonly SpendSummary[], options: { gradientTolerance?: number } = {}): GammaGammaFit {
  return fitGammaGammaColumns(Float64Array.from(customers, (c) => c.x), Float64Array.from(customers, (c) => c.m), options)
}

/** The same fit on columns: x and m of each customer, repeat customers picked out here. */
export function fitGammaGammaColumns(x: Float64Array, m: Float64Array, options: { gradientTolerance?: number } = {}): GammaGammaFit {
  let count = 0
  for (let i = 0; i < x.length; i++) if (x[i] > 0 && m[i] > 0) count++
  if (count === 0) throw new Error('fitting Gamma-Gamma needs customers with repeat purchases and a positive mean spend')
  const xs = new Float64Array(count)
  const ms = new Float64Array(count)
  for (let i = 0, j = 0; i < x.length; i++) {
    if (x[i] > 0 && m[i] > 0) {
      xs[j] = x[i]
      ms[j++] = m[i]
    }
  }
  const result = bfgs(gammaGammaObjective(xs, ms), [0.1, 0.1, 0.1], { gradientTolerance: options.gradientTolerance ?? 1e-7 })
  const [p, q, gamma] = result.x.map(Math.exp)
  return { p, q, gamma, ll: -result.value * count, iterations: result.iterations, converged: result.converged }
}

/**
 * Expected mean spend of a customer's future transactions: the population mean p gamma / (q - 1)
 * weighted against the customer's own mean m by how much evidence x transactions give
 * (Fader, Hardie & Lee 2005, JMR, eq. 5). Needs q > 1; without repeat transactions it is the
 * population mean.
 */
export function gammaGammaExpectedSpend({ x, m }: SpendSummary, { p, q, gamma }: GammaGammaParams): number {
  if (q <= 1) throw new RangeError(`the Gamma-Gamma mean spend needs q > 1, got q = ${q}`)
  const population = (p * gamma) / (q - 1)
  if (x <= 0 || !(m > 0)) return population
  const w = (p * x) / (p * x + q - 1)
  return (1 - w) * population + w * m
}
