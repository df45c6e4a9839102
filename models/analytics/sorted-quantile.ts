// A quantile of sorted numbers interpolated between the closest ranks (README, "Funnels": with the
// times sorted, x[h] for h = (n - 1) p, linear between neighbours), the rule of the funnel's times.
export function quantileOfSorted(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p
  const lo = Math.floor(h)
  return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo])
}
