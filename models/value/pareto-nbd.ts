// Pareto/NBD (Schmittlein, Morrison & Colombo 1987), for comparison with BG/NBD: purchases at
// rate lambda ~ Gamma(r, alpha) while alive, a lifetime ~ Exponential(mu) with mu ~ Gamma(s, beta).
// Likelihood in the form of Fader & Hardie's note 008 (eq. 21 and the A0 term of its appendix),
// every term in logs; fitted by BFGS on a central-difference gradient.
import { bfgs } from '../numerics/bfgs.ts'
import type { CustomerSummary } from './customer-summary.ts'
import { hyp2f1, lnGamma, logSumExp } from '../numerics/special-functions.ts'

export interface ParetoNbdParams {
  r: number
  alpha: number
  s: number
  beta: number
}

export interface ParetoNbdFit extends ParetoNbdParams {
  ll: number
  iterations: number
  converged: boolean
}

/** ln A0 of the note: the difference of two 2F1 terms, at t_x and at T (-Infinity when they are equal). */
function lnA0({ x, tx, T }: CustomerSummary, { r, alpha, s, beta }: ParetoNbdParams): number {
  const k = r + s + x
  const [big, small, b] = alpha >= beta ? [alpha, beta, s + 1] : [beta, alpha, r + x]
  const term = (t: number) => Math.log(hyp2f1(k, b, k + 1, (big - small) / (big + t))) - k * Math.log(big + t)
  const atTx = term(tx)
  const atT = term(T)
  return atT >= atTx ? -Infinity : atTx + Math.log1p(-Math.exp(atT - atTx))
}

export function paretoNbdCustomerLl(c: CustomerSummary, p: ParetoNbdParams): number {
  const { x, T } = c
  const { r, alpha, s, beta } = p
  const head = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) + s * Math.log(beta)
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T)
  const died = Math.log(s / (r + s + x)) + lnA0(c, p)
  return head + logSumExp(alive, died)
}

export function paretoNbdLl(customers: readonly CustomerSummary[], p: ParetoNbdParams): number {
  let ll = 0
  for (const c of customers) ll += paretoNbdCustomerLl(c, p)
  return ll
}

/** P(alive) at T (note 008, eq. 18). */
export function paretoNbdPAlive(c: CustomerSummary, p: ParetoNbdParams): number {
  const { x, T } = c
  const { r, alpha, s, beta } = p
  const lnRatio = Math.log(s / (r + s + x)) + (r + x) * Math.log(alpha + T) + s * Math.log(beta + T) + lnA0(c, p)
  return 1 / (1 + Math.exp(lnRatio))
}

export function fitParetoNbd(customers: readonly CustomerSummary[], options: { gradientTolerance?: number } = {}): ParetoNbdFit {
  if (customers.length === 0) throw new Error('fitting Pareto/NBD needs at least one customer')
  const n = customers.length
  const f = (theta: number[]) => {
    const [r, alpha, s, beta] = theta.map(Math.exp)
    const v = -paretoNbdLl(customers, { r, alpha, s, beta }) / n
    return Number.isFinite(v) ? v : Infinity
  }
  const objective = (theta: number[]) => {
    const value = f(theta)
    const gradient = theta.map((_, i) => {
      const h = 1e-6
      const up = [...theta]
      const down = [...theta]
      up[i] += h
      down[i] -= h
      return (f(up) - f(down)) / (2 * h)
    })
    return { value, gradient }
  }
  const result = bfgs(objective, [0, 0, 0, 0], { gradientTolerance: options.gradientTolerance ?? 1e-6 })
  const [r, alpha, s, beta] = result.x.map(Math.exp)
  const params = { r, alpha, s, beta }
  return { ...params, ll: paretoNbdLl(customers, params), iterations: result.iterations, converged: result.converged }
}
