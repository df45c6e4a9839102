// The numerical pieces of the customer-value models against known values, the published CDNOW
// fits, and the simulator's truth (a fit on simulated summaries must recover its parameters).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { bgnbdObjective } from '../models/value/bgnbd-objective.ts'
import { bgnbdConditionalExpected, bgnbdCustomerLl, bgnbdExpected, bgnbdPAlive, bgnbdProbabilityOfPurchases, fitBgNbd } from '../models/value/bgnbd.ts'
import type { CustomerSummary } from '../models/value/customer-summary.ts'
import { discountedClv, DAYS_PER_MONTH } from '../models/value/clv.ts'
import { fitGammaGamma, gammaGammaCustomerLl, gammaGammaExpectedSpend } from '../models/value/gamma-gamma.ts'
import { fitParetoNbd, paretoNbdPAlive } from '../models/value/pareto-nbd.ts'
import { simulate, simulationParams } from '../models/simulation/simulation.ts'
import { summarizeTransactions } from '../models/value/transaction-summary.ts'

const DATA = path.resolve(import.meta.dirname, 'fixtures/cdnow')
const csv = (file: string) => readFileSync(path.join(DATA, file), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number))

/** Central finite differences of f at x. */
function numericGradient(f: (x: number[]) => number, x: number[]): number[] {
  return x.map((_, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(x[i]))
    const up = [...x]
    const down = [...x]
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2 * h)
  })
}

describe('BG/NBD', () => {
  it('has the gradient of its log-likelihood, also at the edges (x = 0, x = 1000, t_x = T, a near 1)', () => {
    const cases: CustomerSummary[] = [{ x: 0, tx: 0, T: 38.86 }, { x: 2, tx: 30.43, T: 38.86 }, { x: 1000, tx: 50, T: 52 }, { x: 3, tx: 10, T: 10 }, { x: 1, tx: 0.5, T: 400 }]
    for (const params of [{ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { r: 2, alpha: 0.5, a: 1.0001, b: 0.3 }]) {
      for (const c of cases) {
        const { ll, grad } = bgnbdCustomerLl(c, params)
        expect(Number.isFinite(ll)).toBe(true)
        const numeric = numericGradient(([r, alpha, a, b]) => bgnbdCustomerLl(c, { r, alpha, a, b }).ll, [params.r, params.alpha, params.a, params.b])
        grad.forEach((g, i) => expect(g).toBeCloseTo(numeric[i], 4))
      }
    }
  })

  it('sums the same log-likelihood and gradient per distinct x as customer by customer', () => {
    const customers = csv('cdnow_customers_summary.csv').map(([, x, tx, T]) => ({ x, tx, T }))
    const params = { r: 0.3, alpha: 5, a: 0.9, b: 2 }
    const objective = bgnbdObjective(customers, 1)
    const { value, gradient } = objective([params.r, params.alpha, params.a, params.b].map(Math.log))
    let ll = 0
    const grad = [0, 0, 0, 0]
    for (const c of customers) {
      const one = bgnbdCustomerLl(c, params)
      ll += one.ll
      one.grad.forEach((g, i) => (grad[i] += g))
    }
    expect(value).toBeCloseTo(-ll / customers.length, 10)
    const values = [params.r, params.alpha, params.a, params.b]
    gradient.forEach((g, i) => expect(g).toBeCloseTo((-grad[i] * values[i]) / customers.length, 10))
  })

  it('fits CDNOW to the published parameters and log-likelihood', () => {
    const customers = csv('cdnow_customers_summary.csv').map(([, x, tx, T]) => ({ x, tx, T }))
    const fit = fitBgNbd(customers)
    expect(fit.converged).toBe(true)
    expect(fit.r).toBeCloseTo(0.243, 3)
    expect(fit.alpha).toBeCloseTo(4.414, 3)
    expect(fit.a).toBeCloseTo(0.793, 3)
    expect(fit.b).toBeCloseTo(2.426, 3)
    expect(Math.abs(fit.ll - -9582.4)).toBeLessThanOrEqual(0.05)
    // The standard errors lifetimes reports for the same fit.
    expect(fit.se.r).toBeCloseTo(0.012557, 4)
    expect(fit.se.alpha).toBeCloseTo(0.378221, 3)
    expect(fit.se.a).toBeCloseTo(0.185719, 4)
    expect(fit.se.b).toBeCloseTo(0.705345, 3)
  })

  it('gives NaN standard errors instead of failing when the Hessian is singular', () => {
    // Nobody bought twice: a and b leave the likelihood, so their rows of the Hessian are zero.
    const customers = Array.from({ length: 40 }, (_, i) => ({ x: 0, tx: 0, T: 1 + i / 10 }))
    const fit = fitBgNbd(customers)
    expect(Object.values(fit.se).every(Number.isNaN)).toBe(true)
    expect(Number.isFinite(fit.ll)).toBe(true)
  })
})

describe('BG/NBD predictions', () => {
  const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }

  it('gives the published conditional expectation (x = 2, t_x = 30.43, T = 38.86, next 39 weeks: 1.226)', () => {
    expect(bgnbdConditionalExpected({ x: 2, tx: 30.43, T: 38.86 }, 39, cdnow)).toBeCloseTo(1.226, 3)
  })

  it('stays finite and sensible at the edges', () => {
    const edge: CustomerSummary[] = [{ x: 0, tx: 0, T: 38 }, { x: 1, tx: 0, T: 38 }, { x: 1000, tx: 50, T: 52 }, { x: 5, tx: 20, T: 20 }]
    for (const params of [cdnow, { ...cdnow, a: 1 }, { ...cdnow, a: 1 + 1e-9 }]) {
      for (const c of edge) {
        for (const t of [0, 1, 39, 1e4]) {
          const e = bgnbdConditionalExpected(c, t, params)
          expect(Number.isFinite(e) && e >= 0).toBe(true)
        }
        const p = bgnbdPAlive(c, params)
        expect(p > 0 && p <= 1).toBe(true)
      }
    }
    // a = 1 is a removable singularity: the value there joins its neighbours.
    const at = bgnbdConditionalExpected({ x: 2, tx: 30.43, T: 38.86 }, 39, { ...cdnow, a: 1 })
    expect(at).toBeCloseTo(bgnbdConditionalExpected({ x: 2, tx: 30.43, T: 38.86 }, 39, { ...cdnow, a: 1.001 }), 2)
    expect(bgnbdPAlive({ x: 0, tx: 0, T: 100 }, cdnow)).toBe(1)
    // A customer silent for long after many purchases has most likely left.
    expect(bgnbdPAlive({ x: 1000, tx: 50, T: 52 }, cdnow)).toBeLessThan(1e-6)
  })

  it('gives a distribution of purchase counts that sums to 1 and has the expected mean', () => {
    for (const t of [1, 39, 78]) {
      let total = 0
      let mean = 0
      for (let n = 0; n <= 2000; n++) {
        const p = bgnbdProbabilityOfPurchases(n, t, cdnow)
        expect(p >= 0 && Number.isFinite(p)).toBe(true)
        total += p
        mean += n * p
      }
      expect(total).toBeCloseTo(1, 6)
      expect(mean).toBeCloseTo(bgnbdExpected(t, cdnow), 4)
    }
  })

  it('expects of a new customer what the population does', () => {
    // E[X(t)] over a long horizon approaches the expected number of purchases before drop-out.
    const params = { r: 2, alpha: 1, a: 3, b: 5 }
    expect(bgnbdExpected(1e7, params)).toBeCloseTo((params.a + params.b - 1) / (params.a - 1), 2)
    expect(bgnbdExpected(0, params)).toBe(0)
    expect(bgnbdExpected(39, cdnow)).toBeGreaterThan(0)
  })
})

describe('transaction summaries', () => {
  it('reproduce the published CDNOW calibration summary to two decimals', () => {
    const transactions = readFileSync(path.join(DATA, 'CDNOW_sample.txt'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .map(([, id, d, , spent]) => ({ customer: String(Number(id)), time: Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)), amount: Number(spent) }))
    const summaries = summarizeTransactions(transactions, { calibrationEnd: Date.UTC(1997, 8, 30, 23, 59, 59, 999), periodDays: 1, unitDays: 7 })
    const published = new Map(csv('cdnow_customers_summary_with_transactions.csv').map(([id, x, tx, T, zbar]) => [String(id), { x, tx, T, zbar }]))
    expect(summaries.length).toBe(published.size)
    const near = (a: number, b: number) => Math.abs(a - b) <= 0.005 + 1e-9
    const off = summaries.filter((s) => {
      const p = published.get(s.customer)!
      return s.x !== p.x || !near(s.tx, p.tx) || !near(s.T, p.T) || !near(s.m, p.zbar)
    })
    expect(off).toEqual([])
  })
})

describe('Gamma-Gamma', () => {
  it('has the gradient of its log-likelihood', () => {
    for (const c of [{ x: 1, m: 11.77 }, { x: 20, m: 250 }, { x: 1000, m: 0.5 }]) {
      const params = { p: 6.25, q: 3.74, gamma: 15.44 }
      const { grad } = gammaGammaCustomerLl(c, params)
      const numeric = numericGradient(([p, q, gamma]) => gammaGammaCustomerLl(c, { p, q, gamma }).ll, [params.p, params.q, params.gamma])
      grad.forEach((g, i) => expect(g).toBeCloseTo(numeric[i], 4))
    }
  })

  it('fits the 946 repeat customers of CDNOW to the published parameters', () => {
    const customers = csv('cdnow_customers_summary_with_transactions.csv').map(([, x, , , m]) => ({ x, m }))
    const fit = fitGammaGamma(customers)
    expect(customers.filter((c) => c.x > 0).length).toBe(946)
    expect(fit.p).toBeCloseTo(6.25, 2)
    expect(fit.q).toBeCloseTo(3.74, 2)
    expect(fit.gamma).toBeCloseTo(15.44, 1)
  })
})

describe('Pareto/NBD', () => {
  it('fits CDNOW to the published parameters and log-likelihood', () => {
    const customers = csv('cdnow_customers_summary.csv').map(([, x, tx, T]) => ({ x, tx, T }))
    const fit = fitParetoNbd(customers)
    expect(fit.converged).toBe(true)
    expect(fit.r).toBeCloseTo(0.553, 3)
    expect(fit.alpha).toBeCloseTo(10.578, 2)
    expect(fit.s).toBeCloseTo(0.606, 3)
    expect(fit.beta).toBeCloseTo(11.669, 2)
    expect(Math.abs(fit.ll - -9595.0)).toBeLessThanOrEqual(0.05)
    // P(alive) falls the longer a customer stays silent, and stays a probability.
    const pAlive = [40, 60, 100, 400].map((T) => paretoNbdPAlive({ x: 2, tx: 30.43, T }, fit))
    for (const p of pAlive) expect(p > 0 && p <= 1).toBe(true)
    for (let i = 1; i < pAlive.length; i++) expect(pAlive[i]).toBeLessThan(pAlive[i - 1])
  })
})

describe('expected spend and CLV', () => {
  const customers = csv('cdnow_customers_summary_with_transactions.csv').map(([, x, tx, T, m]) => ({ x, tx, T, m }))
  const bg = fitBgNbd(customers)
  const gg = fitGammaGamma(customers)

  it('gives the expected mean spend lifetimes gives on CDNOW', () => {
    expect(customers.slice(0, 3).map((c) => gammaGammaExpectedSpend(c, gg))).toEqual([expect.closeTo(24.658619, 4), expect.closeTo(18.911489, 4), expect.closeTo(35.170981, 4)])
    expect(() => gammaGammaExpectedSpend(customers[0], { ...gg, q: 0.9 })).toThrow(/q > 1/)
  })

  it('discounts as lifetimes does (its documented CDNOW example, 12 periods of 30 units, 1% a period)', () => {
    const clv = customers.slice(0, 3).map((c) => discountedClv(c, bg, gammaGammaExpectedSpend(c, gg), { months: 12, monthlyDiscount: 0.01, unitsPerMonth: 30 }))
    expect(clv).toEqual([expect.closeTo(140.096218, 3), expect.closeTo(18.943466, 3), expect.closeTo(38.180575, 3)])
  })

  it('adds up to spend times expected purchases without discount, and discounting lowers it', () => {
    const c = customers[0]
    const spend = gammaGammaExpectedSpend(c, gg)
    const weeks = DAYS_PER_MONTH / 7
    const plain = discountedClv(c, bg, spend, { months: 6, monthlyDiscount: 0, unitsPerMonth: weeks })
    expect(plain).toBeCloseTo(spend * bgnbdConditionalExpected(c, 6 * weeks, bg), 10)
    expect(discountedClv(c, bg, spend, { months: 6, monthlyDiscount: 0.05, unitsPerMonth: weeks })).toBeLessThan(plain)
  })
})

describe('fits on the simulator output recover its truth', () => {
  it('BG/NBD and Gamma-Gamma parameters land near the truth file', () => {
    const params = simulationParams({ seed: 2024, customers: 40_000, days: 730, startMs: Date.UTC(2024, 0, 1) })
    const summaries: CustomerSummary[] = []
    const spend: Array<{ x: number; m: number }> = []
    for (const { truth, events } of simulate(params)) {
      if (truth.firstPurchaseDay === null) continue
      const days = truth.purchaseDays
      // Weeks, as in the papers; the whole simulated period is the calibration period.
      summaries.push({ x: days.length - 1, tx: (days[days.length - 1] - days[0]) / 7, T: (params.days - days[0]) / 7 })
      const values = events.filter((e) => e.event === 'Order Completed').map((e) => (e.properties as { revenue: number }).revenue)
      if (values.length > 1) spend.push({ x: values.length - 1, m: values.slice(1).reduce((s, v) => s + v, 0) / (values.length - 1) })
    }
    expect(summaries.length).toBeGreaterThan(15_000)
    const bg = fitBgNbd(summaries)
    const truthWeekly = { r: params.bgnbd.r, alpha: params.bgnbd.alpha / 7, a: params.bgnbd.a, b: params.bgnbd.b }
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(bg[k] / truthWeekly[k] - 1)).toBeLessThan(0.15)
    const gg = fitGammaGamma(spend)
    expect(Math.abs(gg.p / params.gammaGamma.p - 1)).toBeLessThan(0.15)
    expect(Math.abs(gg.q / params.gammaGamma.q - 1)).toBeLessThan(0.2)
    expect(Math.abs(gg.gamma / params.gammaGamma.gamma - 1)).toBeLessThan(0.25)
  })
})
