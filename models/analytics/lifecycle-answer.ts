// The lifecycle answer (README, "Lifecycle"): per period of the range, the persons new, returning,
// resurrecting and dormant in it, dormant as a negative count so a stacked chart draws it below
// zero.
import { addPeriods, type PeriodUnit } from './calendar-period.ts'
import type { LifecycleRequest } from './lifecycle-request.ts'
import { rangePeriodStart } from './period-range.ts'

export interface LifecyclePeriod {
  period_start: string
  new: number
  returning: number
  resurrecting: number
  /** Zero or negative. */
  dormant: number
  /** The period had not ended at now: its counts may still change. */
  incomplete: boolean
}

export interface LifecycleAnswer {
  period: PeriodUnit
  periods: LifecyclePeriod[]
}

/** Per status, persons per period index (a missing index counts 0). */
export interface LifecycleCounts {
  new: number[]
  returning: number[]
  resurrecting: number[]
  dormant: number[]
}

export function lifecycleAnswer(request: LifecycleRequest, counts: LifecycleCounts, nowMs: number): LifecycleAnswer {
  const { range } = request
  return {
    period: range.unit,
    periods: Array.from({ length: range.count }, (_, p) => {
      const start = rangePeriodStart(range, p)
      const dormant = counts.dormant[p] ?? 0
      return {
        period_start: new Date(start).toISOString(),
        new: counts.new[p] ?? 0,
        returning: counts.returning[p] ?? 0,
        resurrecting: counts.resurrecting[p] ?? 0,
        dormant: dormant === 0 ? 0 : -dormant,
        incomplete: addPeriods(start, 1, range.unit) > nowMs,
      }
    }),
  }
}
