// The time-to-convert histogram of a funnel (README, "Funnels", histogram): the times between two
// steps of the paths the counts measure, over the persons who reached the later step, in equal bins
// from the shortest to the longest time, with their median.
import { AnalysisRequestError } from './request-error.ts'
import { quantileOfSorted } from './sorted-quantile.ts'

export interface HistogramSpec {
  /** 0-based steps, fromStep < toStep. */
  fromStep: number
  toStep: number
  bins: number
}

export interface HistogramBin {
  lower_seconds: number
  upper_seconds: number
  persons: number
}

export interface ConversionTimeHistogram {
  from_step: number
  to_step: number
  persons: number
  median_seconds: number | null
  bins: HistogramBin[]
}

export const DEFAULT_BINS = 20
export const MAX_BINS = 200

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function whole(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new AnalysisRequestError(field, `expected a whole number from ${min} to ${max}`)
  return v
}

/** `{ "from_step", "to_step", "bins" }`, all optional (first step, last step, 20 bins); null when absent. */
export function parseHistogramSpec(raw: unknown, steps: number): HistogramSpec | null {
  if (raw === undefined || raw === null) return null
  if (!isObject(raw)) throw new AnalysisRequestError('histogram', 'expected { "from_step", "to_step", "bins" } (each optional)')
  for (const k of Object.keys(raw)) {
    if (!['from_step', 'to_step', 'bins'].includes(k)) throw new AnalysisRequestError(`histogram.${k}`, 'unknown field; the fields are from_step, to_step, bins')
  }
  const fromStep = raw.from_step === undefined ? 0 : whole(raw.from_step, 'histogram.from_step', 0, steps - 2)
  const toStep = raw.to_step === undefined ? steps - 1 : whole(raw.to_step, 'histogram.to_step', 1, steps - 1)
  if (toStep <= fromStep) throw new AnalysisRequestError('histogram.to_step', 'must be after from_step')
  const bins = raw.bins === undefined ? DEFAULT_BINS : whole(raw.bins, 'histogram.bins', 1, MAX_BINS)
  return { fromStep, toStep, bins }
}

/**
 * Bin i holds the times t with floor((t - min) * bins / (max - min)) = i, the longest time in the
 * last bin; integer milliseconds, so the edges never decide a time's bin by rounding. When every
 * time is the same there is one bin from it to it; with no times, no bins.
 */
export function conversionTimeHistogram(spec: HistogramSpec, sortedMs: readonly number[]): ConversionTimeHistogram {
  const base = { from_step: spec.fromStep, to_step: spec.toStep, persons: sortedMs.length }
  if (sortedMs.length === 0) return { ...base, median_seconds: null, bins: [] }
  const lo = sortedMs[0]
  const hi = sortedMs[sortedMs.length - 1]
  const median = quantileOfSorted(sortedMs, 0.5) / 1000
  if (hi === lo) return { ...base, median_seconds: median, bins: [{ lower_seconds: lo / 1000, upper_seconds: hi / 1000, persons: sortedMs.length }] }
  const counts = new Array<number>(spec.bins).fill(0)
  for (const t of sortedMs) counts[Math.min(spec.bins - 1, Math.floor(((t - lo) * spec.bins) / (hi - lo)))]++
  const edge = (i: number) => (lo + ((hi - lo) * i) / spec.bins) / 1000
  return { ...base, median_seconds: median, bins: counts.map((persons, i) => ({ lower_seconds: edge(i), upper_seconds: edge(i + 1), persons })) }
}
