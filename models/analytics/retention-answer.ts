// The retention answer (README, "Retention"): one row per cohort period of the range, its size and
// per offset the persons retained, their share of the size, and whether the offset's period was
// still open at now.
import { addPeriods, type PeriodUnit } from './calendar-period.ts'
import { rangePeriodStart } from './period-range.ts'
import type { RetentionRequest } from './retention-request.ts'

export interface RetentionCell {
  offset: number
  persons: number
  rate: number
  /** The offset's period had not ended at now: the count may still grow. */
  incomplete: boolean
}

export interface RetentionCohort {
  period_start: string
  size: number
  cells: RetentionCell[]
}

export interface RetentionAnswer {
  period: PeriodUnit
  cohorts: RetentionCohort[]
  breakdown: Array<{ value: string | null; cohorts: RetentionCohort[] }>
}

/** Counts of one group: per cohort index, its size and persons per offset (missing = none). */
export type RetentionCounts = Map<number, { size: number; persons: number[] }>

function cohortsOf(request: RetentionRequest, counts: RetentionCounts, nowMs: number): RetentionCohort[] {
  const { range, periods } = request
  return Array.from({ length: range.count }, (_, c) => {
    const start = rangePeriodStart(range, c)
    const found = counts.get(c)
    const size = found?.size ?? 0
    const cells = Array.from({ length: periods }, (_, k) => {
      const persons = found?.persons[k] ?? 0
      return { offset: k, persons, rate: size === 0 ? 0 : persons / size, incomplete: addPeriods(start, k + 1, range.unit) > nowMs }
    })
    return { period_start: new Date(start).toISOString(), size, cells }
  })
}

function totalSize(counts: RetentionCounts): number {
  let n = 0
  for (const v of counts.values()) n += v.size
  return n
}

/** Breakdown values by persons in all cohorts, most first, then by value, null (unset) last. */
export function retentionAnswer(
  request: RetentionRequest,
  total: RetentionCounts,
  byValue: Array<{ value: string | null; counts: RetentionCounts }>,
  nowMs: number,
): RetentionAnswer {
  const sorted = [...byValue].sort((a, b) => {
    const d = totalSize(b.counts) - totalSize(a.counts)
    if (d !== 0) return d
    if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? 0 : 1) : -1
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0
  })
  return {
    period: request.range.unit,
    cohorts: cohortsOf(request, total, nowMs),
    breakdown: request.breakdown ? sorted.map((b) => ({ value: b.value, cohorts: cohortsOf(request, b.counts, nowMs) })) : [],
  }
}
