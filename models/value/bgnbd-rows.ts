// The BG/NBD likelihood depends on a customer only through (x, t_x, T), and summaries from a daily
// or weekly log share these often (every one-time buyer of a day has the same row): customers with
// the same row are kept once with their count as weight, so a likelihood pass costs one term per
// distinct row. Times are divided by the longest T, as the fit works on them.

export interface BgNbdRows {
  /** Distinct rows. */
  count: number
  /** Customers in all (the sum of the weights). */
  customers: number
  /** The longest T, which the times were divided by. */
  scale: number
  x: Float64Array
  tx: Float64Array
  T: Float64Array
  weight: Float64Array
  /** The distinct values of x, and for each row the index of its x among them. */
  xValues: Float64Array
  xGroup: Int32Array
}

/** Float64Array by default; a caller that shares the rows with threads passes shared memory. */
export type ArrayMaker = (length: number) => Float64Array

const hashOf = (x: number, tx: number, T: number) => {
  let h = Math.imul(x | 0, 0x9e3779b1) ^ Math.imul(Math.round(tx * 1024) | 0, 0x85ebca77) ^ Math.imul(Math.round(T * 1024) | 0, 0xc2b2ae3d)
  h ^= h >>> 15
  return Math.imul(h, 0x2c1b3c6d) >>> 0
}

/** Rows in order of first appearance, each with the number of customers that have it. */
export function groupBgNbdRows(x: ArrayLike<number>, tx: ArrayLike<number>, T: ArrayLike<number>, makeArray: ArrayMaker = (n) => new Float64Array(n)): BgNbdRows {
  const n = x.length
  let scale = 0
  for (let i = 0; i < n; i++) if (T[i] > scale) scale = T[i]
  // Open addressing over a power-of-two table at most half full; slot holds row index + 1.
  let size = 1024
  while (size < 2 * n) size *= 2
  const slots = new Int32Array(size)
  const first = new Int32Array(n)
  const counts = new Float64Array(n)
  let distinct = 0
  for (let i = 0; i < n; i++) {
    let s = hashOf(x[i], tx[i], T[i]) & (size - 1)
    for (;;) {
      const at = slots[s]
      if (at === 0) {
        slots[s] = distinct + 1
        first[distinct] = i
        counts[distinct++] = 1
        break
      }
      const j = first[at - 1]
      if (x[j] === x[i] && tx[j] === tx[i] && T[j] === T[i]) {
        counts[at - 1]++
        break
      }
      s = (s + 1) & (size - 1)
    }
  }
  const rows: BgNbdRows = {
    count: distinct,
    customers: n,
    scale,
    x: makeArray(distinct),
    tx: makeArray(distinct),
    T: makeArray(distinct),
    weight: makeArray(distinct),
    xValues: new Float64Array(0),
    xGroup: new Int32Array(makeArray(Math.ceil(distinct / 2)).buffer, 0, distinct),
  }
  const xIndex = new Map<number, number>()
  const xValues: number[] = []
  for (let g = 0; g < distinct; g++) {
    const i = first[g]
    rows.x[g] = x[i]
    rows.tx[g] = tx[i] / scale
    rows.T[g] = T[i] / scale
    rows.weight[g] = counts[g]
    let k = xIndex.get(x[i])
    if (k === undefined) xIndex.set(x[i], (k = xValues.push(x[i]) - 1))
    rows.xGroup[g] = k
  }
  rows.xValues = Float64Array.from(xValues)
  return rows
}
