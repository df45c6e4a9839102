// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-value Curves", JMR
// 42(4); Fader & Hardie note 025): each transaction's value ~ Gamma(p, nu), nu ~ Gamma(q, gamma)
// across customers. Fitted on repeat customers only (x > 0, mean spend m > 0).
import { bfgs } from './bfgs.ts'
import { digamma, lnGamma } from './special-functions.ts'

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

export function fitGammaGamma(customers: readonly SpendSummary[], options: { gradientTolerance?: number } = {}): GammaGammaFit {
  const repeat = customers.filter((c) => c.x > 0 && c.m > 0)
  if (repeat.length === 0) throw new Error('fitting Gamma-Gamma needs customers with repeat purchases and a positive mean spend')
  const n = repeat.length
  const objective = (theta: number[]) => {
    const params = { p: Math.exp(theta[0]), q: Math.exp(theta[1]), gamma: Math.exp(theta[2]) }
    let ll = 0
    const g = [0, 0, 0]
    for (const c of repeat) {
      const one = gammaGammaCustomerLl(c, params)
      ll += one.ll
      for (let i = 0; i < 3; i++) g[i] += one.grad[i]
    }
    const values = [params.p, params.q, params.gamma]
    return { value: -ll / n, gradient: g.map((gi, i) => (-gi * values[i]) / n) }
  }
  const result = bfgs(objective, [0.1, 0.1, 0.1], { gradientTolerance: options.gradientTolerance ?? 1e-7 })
  const [p, q, gamma] = result.x.map(Math.exp)
  return { p, q, gamma, ll: -result.value * n, iterations: result.iterations, converged: result.converged }
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
