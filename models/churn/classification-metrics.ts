// How well probabilities of a yes/no outcome rank and fit what happened. Labels are 1 (the event,
// here churn) or 0. Equal scores are treated as one threshold: no order among them is invented.

/** 1-based ranks of the values in ascending order, equal values sharing the mean of their ranks. */
export function averagedRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b])
  const ranks = new Array<number>(values.length)
  for (let start = 0; start < order.length; ) {
    let end = start
    while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) end++
    const rank = (start + end) / 2 + 1
    for (let i = start; i <= end; i++) ranks[order[i]] = rank
    start = end + 1
  }
  return ranks
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half (Mann-Whitney U / (n1 n0); Hanley & McNeil 1982). NaN when
 * one class is missing.
 */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const ranks = averagedRanks(scores)
  let positives = 0
  let rankSum = 0
  labels.forEach((y, i) => {
    if (y === 1) {
      positives++
      rankSum += ranks[i]
    }
  })
  const negatives = labels.length - positives
  if (positives === 0 || negatives === 0) return NaN
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

/**
 * Area under the precision-recall curve as average precision: sum over the distinct score
 * thresholds, highest first, of (recall gained) x (precision at that threshold), as scikit-learn's
 * average_precision_score computes it. NaN without positives.
 */
export function averagePrecision(scores: readonly number[], labels: readonly number[]): number {
  const total = labels.reduce((s, y) => s + y, 0)
  if (total === 0) return NaN
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a])
  let seen = 0
  let hits = 0
  let area = 0
  for (let start = 0; start < order.length; ) {
    let end = start
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++
    let gained = 0
    for (let i = start; i <= end; i++) gained += labels[order[i]]
    seen += end - start + 1
    hits += gained
    area += (gained / total) * (hits / seen)
    start = end + 1
  }
  return area
}

/** Mean squared difference between the probability and the outcome (Brier 1950). */
export function brierScore(probabilities: readonly number[], labels: readonly number[]): number {
  if (probabilities.length === 0) return NaN
  return probabilities.reduce((s, p, i) => s + (p - labels[i]) ** 2, 0) / probabilities.length
}

export interface RocPoint {
  /** False-positive rate: the share of the non-churners scored at or above the threshold. */
  fpr: number
  /** True-positive rate: the share of the churners scored at or above the threshold. */
  tpr: number
}

/**
 * The ROC curve (Fawcett 2006): one point per distinct score, highest first, from (0, 0) to (1, 1);
 * tied scores move both rates at once. Thinned to at most `maxPoints` evenly spaced points (the
 * ends kept), enough to draw it. Empty when one class is missing.
 */
export function rocCurve(scores: readonly number[], labels: readonly number[], maxPoints = 51): RocPoint[] {
  const positives = labels.reduce((s, y) => s + y, 0)
  const negatives = labels.length - positives
  if (positives === 0 || negatives === 0) return []
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a])
  const points: RocPoint[] = [{ fpr: 0, tpr: 0 }]
  let tp = 0
  let fp = 0
  for (let k = 0; k < order.length; k++) {
    if (labels[order[k]] === 1) tp++
    else fp++
    if (k === order.length - 1 || scores[order[k + 1]] !== scores[order[k]]) points.push({ fpr: fp / negatives, tpr: tp / positives })
  }
  if (points.length <= maxPoints) return points
  return Array.from({ length: maxPoints }, (_, i) => points[Math.round((i * (points.length - 1)) / (maxPoints - 1))])
}
