// The retention request (README, "Retention"): parsed and checked before any query runs, so a body
// that breaks a rule gets one error naming its field.
import { parseEventMatch, type EventMatch } from './event-match.ts'
import { parsePeriodRange, parsePeriodUnit, type PeriodRange } from './period-range.ts'
import { parseName } from './property-filter.ts'
import { AnalysisRequestError } from './request-error.ts'

export const COHORT_TYPES = ['first_time', 'recurring'] as const
export type CohortType = (typeof COHORT_TYPES)[number]
export const RETENTION_TYPES = ['on', 'on_or_after'] as const
export type RetentionType = (typeof RETENTION_TYPES)[number]

export interface RetentionRequest {
  cohortEvent: EventMatch
  returnEvent: EventMatch
  cohortType: CohortType
  retentionType: RetentionType
  /** The cohorts: one per period of the range. */
  range: PeriodRange
  /** Offsets 0 .. periods - 1 after each cohort's period. */
  periods: number
  /** The cohort event's property each person is counted under. */
  breakdown: { property: string } | null
}

export const DEFAULT_PERIODS = 12
/** A year of weeks: the widest table a chart shows. */
export const MAX_PERIODS = 53
/** Cohorts (rows); with 53 offsets, about 21,000 cells. */
export const MAX_COHORTS = 400

const KNOWN_FIELDS = new Set(['cohort_event', 'return_event', 'cohort_type', 'retention_type', 'period', 'periods', 'from', 'to', 'breakdown'])

function oneOf<T extends string>(raw: unknown, allowed: readonly T[], fallback: T, field: string): T {
  const v = (raw ?? fallback) as T
  if (!allowed.includes(v)) throw new AnalysisRequestError(field, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`)
  return v
}

function parseBreakdown(raw: unknown): { property: string } | null {
  if (raw === undefined || raw === null) return null
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new AnalysisRequestError('breakdown', 'expected { "property": "..." }')
  const o = raw as Record<string, unknown>
  for (const k of Object.keys(o)) if (k !== 'property') throw new AnalysisRequestError(`breakdown.${k}`, 'unknown field; the only field is property')
  return { property: parseName(o.property, 'breakdown.property') }
}

/** The request of a JSON body, with `nowMs` for the default range; throws AnalysisRequestError. */
export function parseRetentionRequest(body: unknown, nowMs: number): RetentionRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AnalysisRequestError('body', 'expected a JSON object with at least "cohort_event"')
  const b = body as Record<string, unknown>
  for (const k of Object.keys(b)) if (!KNOWN_FIELDS.has(k)) throw new AnalysisRequestError(k, `unknown field; the fields are ${[...KNOWN_FIELDS].join(', ')}`)
  if (b.cohort_event === undefined) throw new AnalysisRequestError('cohort_event', 'missing: give { "event": "...", "filters": [...] }, the event that puts a person in a cohort')
  const cohortEvent = parseEventMatch(b.cohort_event, 'cohort_event')
  const returnEvent = b.return_event === undefined ? cohortEvent : parseEventMatch(b.return_event, 'return_event')
  const periods = b.periods ?? DEFAULT_PERIODS
  if (typeof periods !== 'number' || !Number.isInteger(periods) || periods < 1 || periods > MAX_PERIODS) {
    throw new AnalysisRequestError('periods', `expected a whole number from 1 to ${MAX_PERIODS}, got ${JSON.stringify(b.periods)}`)
  }
  const unit = parsePeriodUnit(b.period, 'week')
  return {
    cohortEvent,
    returnEvent,
    cohortType: oneOf(b.cohort_type, COHORT_TYPES, 'first_time', 'cohort_type'),
    retentionType: oneOf(b.retention_type, RETENTION_TYPES, 'on', 'retention_type'),
    range: parsePeriodRange(b, unit, nowMs, { defaultCount: periods, maxCount: MAX_COHORTS }),
    periods,
    breakdown: parseBreakdown(b.breakdown),
  }
}
