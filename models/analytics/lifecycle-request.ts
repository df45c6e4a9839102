// The lifecycle request (README, "Lifecycle"): the activity event with its filters and the periods.
import type { EventMatch } from './event-match.ts'
import { parsePeriodRange, parsePeriodUnit, type PeriodRange } from './period-range.ts'
import { parseFilters, parseName } from './property-filter.ts'
import { AnalysisRequestError } from './request-error.ts'

export interface LifecycleRequest {
  activity: EventMatch
  range: PeriodRange
}

export const DEFAULT_LIFECYCLE_PERIODS = 12
/** Nearly three years of days. */
export const MAX_LIFECYCLE_PERIODS = 1000

const KNOWN_FIELDS = new Set(['event', 'filters', 'period', 'from', 'to'])

/** The request of a JSON body, with `nowMs` for the default range; throws AnalysisRequestError. */
export function parseLifecycleRequest(body: unknown, nowMs: number): LifecycleRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AnalysisRequestError('body', 'expected a JSON object with at least "event"')
  const b = body as Record<string, unknown>
  for (const k of Object.keys(b)) if (!KNOWN_FIELDS.has(k)) throw new AnalysisRequestError(k, `unknown field; the fields are ${[...KNOWN_FIELDS].join(', ')}`)
  const activity = { event: parseName(b.event, 'event'), filters: parseFilters(b.filters, 'filters') }
  const unit = parsePeriodUnit(b.period, 'week')
  return { activity, range: parsePeriodRange(b, unit, nowMs, { defaultCount: DEFAULT_LIFECYCLE_PERIODS, maxCount: MAX_LIFECYCLE_PERIODS }) }
}
