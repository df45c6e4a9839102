// BFGS minimisation with a backtracking (Armijo) line search: the fit of the customer-value
// models (Nocedal & Wright, Numerical Optimization, 2nd ed., algorithm 6.1).

export interface Objective {
  /** Value and gradient at x. */
  (x: number[]): { value: number; gradient: number[] }
}

export interface BfgsResult {
  x: number[]
  value: number
  gradient: number[]
  iterations: number
  converged: boolean
}

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0)
const norm = (a: number[]) => Math.sqrt(dot(a, a))

export function bfgs(f: Objective, start: number[], options: { gradientTolerance?: number; maxIterations?: number } = {}): BfgsResult {
  const tol = options.gradientTolerance ?? 1e-7
  const maxIterations = options.maxIterations ?? 1000
  const n = start.length
  let x = [...start]
  let { value, gradient } = f(x)
  // Inverse Hessian approximation, starting from the identity.
  let h: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)))
  for (let iter = 0; iter < maxIterations; iter++) {
    if (norm(gradient) < tol) return { x, value, gradient, iterations: iter, converged: true }
    let direction = h.map((row) => -dot(row, gradient))
    let slope = dot(direction, gradient)
    if (slope >= 0) {
      // Not a descent direction (curvature lost): restart from steepest descent.
      h = h.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)))
      direction = gradient.map((g) => -g)
      slope = dot(direction, gradient)
    }
    let step = 1
    let next: number[] = x
    let trial = { value, gradient }
    for (let k = 0; k < 60; k++) {
      next = x.map((v, i) => v + step * direction[i])
      trial = f(next)
      if (Number.isFinite(trial.value) && trial.value <= value + 1e-4 * step * slope) break
      step /= 2
    }
    if (!(trial.value <= value)) return { x, value, gradient, iterations: iter, converged: norm(gradient) < tol * 10 }
    const s = next.map((v, i) => v - x[i])
    const y = trial.gradient.map((g, i) => g - gradient[i])
    const sy = dot(s, y)
    if (sy > 1e-12) {
      // H+ = (I - rho s y') H (I - rho y s') + rho s s'
      const rho = 1 / sy
      const hy = h.map((row) => dot(row, y))
      const yhy = dot(y, hy)
      h = h.map((row, i) => row.map((v, j) => v - rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j]))
    }
    x = next
    value = trial.value
    gradient = trial.gradient
  }
  return { x, value, gradient, iterations: maxIterations, converged: norm(gradient) < tol }
}
