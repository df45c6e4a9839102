// Log-gamma and digamma for the likelihoods of the customer-value models.

// Lanczos approximation, g = 7, n = 9 (Numerical Recipes 3rd ed. §6.1 coefficients; relative error
// below 1e-15 for positive arguments), with the reflection formula below 0.5.
const G = 7
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
]

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0]
  for (let i = 1; i < G + 2; i++) sum += LANCZOS[i] / (z + i)
  const t = z + G + 0.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

/**
 * ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x+1) - 1/x up to x >= 10, then the
 * asymptotic series (Abramowitz & Stegun 6.3.18), accurate to ~1e-15 there.
 */
export function digamma(x: number): number {
  let shift = 0
  while (x < 10) {
    shift -= 1 / x
    x += 1
  }
  const f = 1 / (x * x)
  const series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760))))))
  return shift + Math.log(x) - 0.5 / x - series
}

/** ln(e^a + e^b) without overflow. */
export function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b
  if (b === -Infinity) return a
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)))
}

/**
 * Gauss hypergeometric 2F1(a, b; c; z) by its power series, for 0 <= z < 1 (where the customer
 * models use it): terms t_{k+1} = t_k (a+k)(b+k) / ((c+k)(k+1)) z, summed until they no longer
 * change the sum.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (z < 0 || z >= 1) throw new RangeError(`hyp2f1 is evaluated here for 0 <= z < 1 only, got ${z}`)
  let term = 1
  let sum = 1
  for (let k = 0; k < 200_000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1))
    sum += term
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) return sum
    if (!Number.isFinite(sum)) break
  }
  return sum
}
