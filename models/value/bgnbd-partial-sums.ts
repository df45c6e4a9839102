// The BG/NBD log-likelihood and its gradient summed over a range of grouped rows: the part one
// thread computes when the rows are split between threads, and the objective the fit minimises
// from the sums of all parts, each row weighted by the customers that share it.
import type { BgNbdRows } from './bgnbd-rows.ts'
import { digamma, lnGamma } from '../numerics/special-functions.ts'

/** What the fit minimises: a value and its gradient at log-parameters theta. */
export type Objective = (theta: number[]) => { value: number; gradient: number[] }

/** Sums of a range: log-likelihood, then its derivatives in r, alpha, a, b. */
export const SUM_FIELDS = 5

/** Writes into `out` the sums over rows [from, to) at log-parameters `theta`. */
export function bgnbdPartialSums(rows: BgNbdRows, from: number, to: number, theta: ArrayLike<number>, out: Float64Array): void {
  const r = Math.exp(theta[0])
  const alpha = Math.exp(theta[1])
  const a = Math.exp(theta[2])
  const b = Math.exp(theta[3])
  const { x: xs, tx: txs, T: ts, weight, xValues, xGroup } = rows
  const k = xValues.length
  const c1 = new Float64Array(k)
  const lnA4 = new Float64Array(k)
  const dr = new Float64Array(k)
  const dab = new Float64Array(k)
  const db = new Float64Array(k)
  const ib = new Float64Array(k)
  const shared = lnGamma(a + b) - lnGamma(b) - lnGamma(r)
  const psiR = digamma(r)
  const psiB = digamma(b)
  const psiAB = digamma(a + b)
  for (let g = 0; g < k; g++) {
    const x = xValues[g]
    c1[g] = shared + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x)
    lnA4[g] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity
    dr[g] = digamma(r + x) - psiR
    dab[g] = psiAB - digamma(a + b + x)
    db[g] = dab[g] + digamma(b + x) - psiB
    ib[g] = x > 0 ? 1 / (b + x - 1) : 0
  }
  const lnAlpha = Math.log(alpha)
  let ll = 0
  let gr = 0
  let gal = 0
  let ga = 0
  let gb = 0
  for (let i = from; i < to; i++) {
    const x = xs[i]
    const g = xGroup[i]
    const w = weight[i]
    const rx = r + x
    const lT = Math.log(alpha + ts[i])
    const a3 = -rx * lT
    let tail = a3
    let w3 = 1
    let w4 = 0
    let lTx = 0
    if (x > 0) {
      lTx = Math.log(alpha + txs[i])
      const a4 = lnA4[g] - rx * lTx
      const m = a3 > a4 ? a3 : a4
      const e3 = Math.exp(a3 - m)
      const e4 = Math.exp(a4 - m)
      const s = e3 + e4
      tail = m + Math.log(s)
      w3 = e3 / s
      w4 = e4 / s
    }
    ll += w * (c1[g] + r * lnAlpha + tail)
    gr += w * (dr[g] + lnAlpha - w3 * lT - w4 * lTx)
    gal += w * (r / alpha - (w3 * rx) / (alpha + ts[i]) - (x > 0 ? (w4 * rx) / (alpha + txs[i]) : 0))
    ga += w * (dab[g] + w4 / a)
    gb += w * (db[g] - w4 * ib[g])
  }
  out[0] = ll
  out[1] = gr
  out[2] = gal
  out[3] = ga
  out[4] = gb
}

/** The mean negative log-likelihood and its gradient in log-parameters, from the total sums at theta. */
export function objectiveFromSums(sums: (theta: readonly number[]) => Float64Array, customers: number): Objective {
  return (theta) => {
    const [ll, gr, gal, ga, gb] = sums(theta)
    const [r, alpha, a, b] = theta.map(Math.exp)
    return { value: -ll / customers, gradient: [(-gr * r) / customers, (-gal * alpha) / customers, (-ga * a) / customers, (-gb * b) / customers] }
  }
}
