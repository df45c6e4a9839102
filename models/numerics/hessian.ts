// Standard errors of maximum-likelihood estimates: the Hessian from central differences of an
// analytic gradient, and its inverse (Gauss-Jordan with partial pivoting).

/** Hessian at x of the function whose gradient is `gradient`, symmetrised. */
export function numericHessian(gradient: (x: number[]) => number[], x: number[], step = 1e-5): number[][] {
  const n = x.length
  const h: number[][] = []
  for (let i = 0; i < n; i++) {
    const d = step * Math.max(1, Math.abs(x[i]))
    const up = [...x]
    const down = [...x]
    up[i] += d
    down[i] -= d
    const gu = gradient(up)
    const gd = gradient(down)
    h.push(gu.map((g, j) => (g - gd[j]) / (2 * d)))
  }
  return h.map((row, i) => row.map((v, j) => (v + h[j][i]) / 2))
}

/** The inverse, or null when the matrix is singular (a parameter the data do not identify). */
export function invert(m: number[][]): number[][] | null {
  const n = m.length
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))])
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r
    if (!(Math.abs(a[pivot][col]) >= 1e-300)) return null
    ;[a[col], a[pivot]] = [a[pivot], a[col]]
    const p = a[col][col]
    for (let j = 0; j < 2 * n; j++) a[col][j] /= p
    for (let r = 0; r < n; r++) {
      if (r === col) continue
      const f = a[r][col]
      for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[col][j]
    }
  }
  return a.map((row) => row.slice(n))
}
