// The numerical pieces under the customer-value models, against known values and identities.
import { describe, expect, it } from 'vitest'
import { bfgs } from '../models/numerics/bfgs.ts'
import { digamma, hyp2f1, lnGamma, logSumExp } from '../models/numerics/special-functions.ts'

describe('special functions', () => {
  it('lnGamma matches known values', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14)
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13)
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12)
    expect(lnGamma(100)).toBeCloseTo(359.13420536957540, 10)
    expect(lnGamma(171)).toBeCloseTo(706.5730622457874, 9) // ln(170!)
    expect(lnGamma(1e-3)).toBeCloseTo(6.907178885383854, 12)
    // ln Γ(x + 1) = ln Γ(x) + ln x, across the range the likelihoods use.
    for (const x of [1e-6, 0.01, 0.3, 0.999, 1.5, 7.25, 42, 999.5, 1e5]) expect(lnGamma(x + 1) - lnGamma(x) - Math.log(x)).toBeCloseTo(0, 9)
  })
  it('digamma matches known values', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 13)
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 13)
    expect(digamma(10)).toBeCloseTo(2.251752589066721, 13)
    // ψ(x + 1) = ψ(x) + 1/x
    for (const x of [1e-4, 0.2, 3.3, 55, 1e4]) expect(digamma(x + 1) - digamma(x) - 1 / x).toBeCloseTo(0, 9)
  })
  it('logSumExp neither overflows nor loses the smaller term', () => {
    expect(logSumExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12)
    expect(logSumExp(-1000, -Infinity)).toBe(-1000)
    expect(logSumExp(0, -40)).toBeCloseTo(Math.exp(-40), 25)
  })
})

describe('hyp2f1', () => {
  it('matches closed forms', () => {
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z and 2F1(a, b; b; z) = (1 - z)^-a
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10)
      expect(hyp2f1(0.7, 2.5, 2.5, z)).toBeCloseTo(Math.pow(1 - z, -0.7), 10)
    }
    expect(hyp2f1(3, -2, 1.5, 0.4)).toBeCloseTo(1 + (3 * -2 * 0.4) / 1.5 + (3 * 4 * -2 * -1 * 0.16) / (1.5 * 2.5 * 2), 12)
  })
})

describe('BFGS', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const rosenbrock = ([x, y]: number[]) => ({ value: (1 - x) ** 2 + 100 * (y - x * x) ** 2, gradient: [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)] })
    const result = bfgs(rosenbrock, [-1.2, 1], { gradientTolerance: 1e-9 })
    expect(result.converged).toBe(true)
    expect(result.x[0]).toBeCloseTo(1, 6)
    expect(result.x[1]).toBeCloseTo(1, 6)
  })
})
