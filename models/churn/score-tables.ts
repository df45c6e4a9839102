// The two tables of a churn model's quality card: lift by decile (who to act on first) and a
// calibration table (whether "30%" means 30%). Labels are 1 for churn, 0 otherwise.

export interface DecileRow {
  /** 1: the tenth with the highest scores. */
  decile: number
  customers: number
  churned: number
  /** Churn rate in the decile. */
  rate: number
  /** Rate over the overall rate. */
  lift: number
  /** Share of all churners in this decile and the ones above it. */
  cumulativeCapture: number
}

export interface CalibrationRow {
  /** Predicted probabilities in [from, to) (the last bin includes 1). */
  from: number
  to: number
  customers: number
  meanPredicted: number
  observedRate: number
}

/**
 * Customers sorted by score, highest first (equal scores in input order), cut into ten groups
 * whose sizes differ by at most one, the larger groups first.
 */
export function liftByDecile(scores: readonly number[], labels: readonly number[]): DecileRow[] {
  const n = scores.length
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b)
  const totalChurned = labels.reduce((s, y) => s + y, 0)
  const overall = n ? totalChurned / n : NaN
  const rows: DecileRow[] = []
  let start = 0
  let captured = 0
  for (let d = 0; d < 10; d++) {
    const size = Math.floor(n / 10) + (d < n % 10 ? 1 : 0)
    let churned = 0
    for (let i = start; i < start + size; i++) churned += labels[order[i]]
    start += size
    captured += churned
    const rate = size ? churned / size : NaN
    rows.push({ decile: d + 1, customers: size, churned, rate, lift: rate / overall, cumulativeCapture: totalChurned ? captured / totalChurned : NaN })
  }
  return rows
}

/** Ten bins of width 0.1 over the predicted probability; empty bins are kept (NaN means). */
export function calibrationTable(probabilities: readonly number[], labels: readonly number[]): CalibrationRow[] {
  const bins = Array.from({ length: 10 }, (_, b) => ({ from: b / 10, to: (b + 1) / 10, customers: 0, predicted: 0, churned: 0 }))
  probabilities.forEach((p, i) => {
    const bin = bins[Math.min(9, Math.floor(p * 10))]
    bin.customers++
    bin.predicted += p
    bin.churned += labels[i]
  })
  return bins.map((b) => ({ from: b.from, to: b.to, customers: b.customers, meanPredicted: b.predicted / b.customers, observedRate: b.churned / b.customers }))
}
