// The BG/NBD fit's objective over a list of customers: mean negative log-likelihood and its
// gradient in log-parameters. The customers become rows of weight 1 (one per customer, in order)
// and the terms are those of bgnbd-partial-sums.ts, which computes the parts that depend on a
// customer only through x (the gamma and beta functions) once per distinct x: a customer costs a
// few logarithms, which is what makes a million-customer fit take seconds.
import type { CustomerSummary } from './customer-summary.ts'
import { distinctValues } from './distinct-values.ts'
import { bgnbdPartialSums, objectiveFromSums, SUM_FIELDS, type Objective } from './bgnbd-partial-sums.ts'
import type { BgNbdRows } from './bgnbd-rows.ts'

export function bgnbdObjective(customers: readonly CustomerSummary[], timeScale: number): Objective {
  const n = customers.length
  const x = new Float64Array(n)
  const tx = new Float64Array(n)
  const T = new Float64Array(n)
  customers.forEach((c, i) => {
    x[i] = c.x
    tx[i] = c.tx / timeScale
    T[i] = c.T / timeScale
  })
  const { values, group } = distinctValues(x)
  const rows: BgNbdRows = { count: n, customers: n, scale: timeScale, x, tx, T, weight: new Float64Array(n).fill(1), xValues: Float64Array.from(values), xGroup: group }
  const out = new Float64Array(SUM_FIELDS)
  return objectiveFromSums((theta) => {
    bgnbdPartialSums(rows, 0, n, theta, out)
    return out
  }, n)
}
