// The BG/NBD fit's objective over many customers: mean negative log-likelihood and its gradient
// in log-parameters. The terms that depend on a customer only through x (the gamma and beta
// functions) are computed once per distinct x, so a customer costs a few logarithms: this is what
// makes a million-customer fit take seconds.
import type { CustomerSummary } from './customer-summary.ts'
import { distinctValues } from './distinct-values.ts'
import { digamma, lnGamma } from '../numerics/special-functions.ts'

export type Objective = (theta: number[]) => { value: number; gradient: number[] }

export function bgnbdObjective(customers: readonly CustomerSummary[], timeScale: number): Objective {
  const n = customers.length
  const xs = new Float64Array(n)
  const txs = new Float64Array(n)
  const ts = new Float64Array(n)
  customers.forEach((c, i) => {
    xs[i] = c.x
    txs[i] = c.tx / timeScale
    ts[i] = c.T / timeScale
  })
  const { values: distinct, group } = distinctValues(xs)
  const k = distinct.length
  const c1 = new Float64Array(k)
  const lnA4 = new Float64Array(k)
  const dr = new Float64Array(k)
  const dab = new Float64Array(k)
  const db = new Float64Array(k)
  const ib = new Float64Array(k)

  return (theta) => {
    const [r, alpha, a, b] = theta.map(Math.exp)
    const shared = lnGamma(a + b) - lnGamma(b) - lnGamma(r)
    const psiR = digamma(r)
    const psiB = digamma(b)
    const psiAB = digamma(a + b)
    for (let g = 0; g < k; g++) {
      const x = distinct[g]
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
    for (let i = 0; i < n; i++) {
      const x = xs[i]
      const g = group[i]
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
      ll += c1[g] + r * lnAlpha + tail
      gr += dr[g] + lnAlpha - w3 * lT - w4 * lTx
      gal += r / alpha - (w3 * rx) / (alpha + ts[i]) - (x > 0 ? (w4 * rx) / (alpha + txs[i]) : 0)
      ga += dab[g] + w4 / a
      gb += db[g] - w4 * ib[g]
    }
    return { value: -ll / n, gradient: [(-gr * r) / n, (-gal * alpha) / n, (-ga * a) / n, (-gb * b) / n] }
  }
}
