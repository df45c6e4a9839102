// Each scored customer's churn percentile and band (README, "Churn scores in Pulse"). The bands
// are cut on the probability, not on the rank: the probability is calibrated (the card's
// calibration table shows how well), so `high` means the same risk after every refit and in every
// population, and a quiet month can leave the high band empty instead of filling a fixed tenth.

export type ChurnBand = 'low' | 'medium' | 'high'

/** Lower edges of the bands: high from 0.7, medium from 0.4, low below. */
export const CHURN_BAND_CUTS = { high: 0.7, medium: 0.4 } as const

export function churnBand(probability: number): ChurnBand {
  if (probability >= CHURN_BAND_CUTS.high) return 'high'
  return probability >= CHURN_BAND_CUTS.medium ? 'medium' : 'low'
}

export interface ChurnScore {
  probability: number
  /** Share of the scored customers, in percent, whose probability is at or below this one. */
  percentile: number
  band: ChurnBand
}

export function churnScores(customers: readonly string[], probabilities: readonly number[]): Map<string, ChurnScore> {
  const n = probabilities.length
  const order = probabilities.map((_, i) => i).sort((a, b) => probabilities[a] - probabilities[b])
  const out = new Map<string, ChurnScore>()
  for (let k = 0; k < n; ) {
    // Equal probabilities share the percentile of the last of them (all are at or below it).
    let end = k
    while (end + 1 < n && probabilities[order[end + 1]] === probabilities[order[k]]) end++
    const percentile = (100 * (end + 1)) / n
    for (let j = k; j <= end; j++) {
      const i = order[j]
      out.set(customers[i], { probability: probabilities[i], percentile, band: churnBand(probabilities[i]) })
    }
    k = end + 1
  }
  return out
}
