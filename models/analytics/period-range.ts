// The periods a retention or lifecycle request covers: every whole period that holds some time of
// [from, to) (`from` rounds down to its period's start, the last instant before `to` up to its
// period's end). Without `from`, the `defaultCount` periods ending with the one holding `to`.
import { addPeriods, PERIOD_UNITS, periodsBetween, periodStart, type PeriodUnit } from './calendar-period.ts'
import { parseRangeTime } from './range-time.ts'
import { AnalysisRequestError } from './request-error.ts'

export interface PeriodRange {
  unit: PeriodUnit
  /** Start (ms, UTC) of the first period. */
  startMs: number
  /** Number of periods, first included. */
  count: number
}

export function parsePeriodUnit(raw: unknown, fallback: PeriodUnit): PeriodUnit {
  const unit = (raw ?? fallback) as PeriodUnit
  if (!PERIOD_UNITS.includes(unit)) throw new AnalysisRequestError('period', `expected one of ${PERIOD_UNITS.join(', ')}, got ${JSON.stringify(raw)}`)
  return unit
}

export function parsePeriodRange(
  body: Record<string, unknown>,
  unit: PeriodUnit,
  nowMs: number,
  limits: { defaultCount: number; maxCount: number },
): PeriodRange {
  const toMs = body.to === undefined ? nowMs : parseRangeTime(body.to, 'to')
  const last = periodStart(toMs - 1, unit)
  const fromMs = body.from === undefined ? null : parseRangeTime(body.from, 'from')
  if (fromMs !== null && fromMs >= toMs) throw new AnalysisRequestError('from', 'must be before "to"')
  const startMs = fromMs === null ? addPeriods(last, 1 - limits.defaultCount, unit) : periodStart(fromMs, unit)
  const count = periodsBetween(startMs, last, unit) + 1
  if (count > limits.maxCount) {
    throw new AnalysisRequestError('from', `the range holds ${count} ${unit}s, more than the ${limits.maxCount} allowed: move "from" later or use a longer period`)
  }
  return { unit, startMs, count }
}

/** Start (ms) of period `k` of the range; `k = count` is the end of the range. */
export function rangePeriodStart(range: PeriodRange, k: number): number {
  return addPeriods(range.startMs, k, range.unit)
}
