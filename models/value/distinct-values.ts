// Customers grouped by a value they share (the purchase count): the likelihood terms that depend
// only on it are then computed once per distinct value instead of once per customer.

export interface DistinctValues {
  /** The distinct values, in order of first appearance. */
  values: number[]
  /** For each item, the index of its value in `values`. */
  group: Int32Array
}

export function distinctValues(items: ArrayLike<number>): DistinctValues {
  const values: number[] = []
  const index = new Map<number, number>()
  const group = new Int32Array(items.length)
  for (let i = 0; i < items.length; i++) {
    let g = index.get(items[i])
    if (g === undefined) index.set(items[i], (g = values.push(items[i]) - 1))
    group[i] = g
  }
  return { values, group }
}
