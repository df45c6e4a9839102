// The stickiness request (README, "Stickiness"): parsed and checked before any query runs, so a
// body that breaks a rule gets one error naming its field.
import { CALENDAR_UNITS, type CalendarUnit, unitCount } from './calendar-units.ts'
import { parseFilters, parseName, type PropertyFilter } from './property-filter.ts'
import { parseRangeTime } from './range-time.ts'
import { AnalysisRequestError } from './request-error.ts'

export interface StickinessRequest {
  event: string
  filters: PropertyFilter[]
  /** The unit counted: a person is active in a unit with at least one matching event in it. */
  period: CalendarUnit
  /** Counted separately in each such unit of the range; null: over the whole range. */
  interval: CalendarUnit | null
  fromMs: number
  toMs: number
}

/** Without `from`, the range is the 30 days before `to`; without `to`, it ends at now. */
export const DEFAULT_STICKINESS_RANGE_MS = 30 * 86_400_000
/** Keeps the answer (a row per count per interval) a size a person can read. */
export const MAX_STICKINESS_UNITS = 3700

const KNOWN_FIELDS = new Set(['event', 'filters', 'from', 'to', 'period', 'interval'])

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function unit(v: unknown, field: string, allowed: readonly CalendarUnit[]): CalendarUnit {
  if (typeof v !== 'string' || !allowed.includes(v as CalendarUnit)) throw new AnalysisRequestError(field, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`)
  return v as CalendarUnit
}

function parseInterval(v: unknown, period: CalendarUnit): CalendarUnit | null {
  if (v === undefined || v === null) return null
  // Days fit in weeks and in months; weeks straddle months, so a week could not be counted in one.
  if (period !== 'day') throw new AnalysisRequestError('interval', `only with "period": "day" (${period}s do not fit evenly in a longer unit): drop interval or count days`)
  return unit(v, 'interval', ['week', 'month'])
}

/** The request of a JSON body, with `nowMs` for the default range; throws AnalysisRequestError. */
export function parseStickinessRequest(body: unknown, nowMs: number): StickinessRequest {
  if (!isObject(body)) throw new AnalysisRequestError('body', 'expected a JSON object such as { "event": "Lesson Completed", "period": "day" }')
  for (const k of Object.keys(body)) if (!KNOWN_FIELDS.has(k)) throw new AnalysisRequestError(k, `unknown field; the fields are ${[...KNOWN_FIELDS].join(', ')}`)
  const event = parseName(body.event, 'event')
  const filters = parseFilters(body.filters, 'filters')
  const period = body.period === undefined ? 'day' : unit(body.period, 'period', CALENDAR_UNITS)
  const interval = parseInterval(body.interval, period)
  const toMs = body.to === undefined ? nowMs : parseRangeTime(body.to, 'to')
  const fromMs = body.from === undefined ? toMs - DEFAULT_STICKINESS_RANGE_MS : parseRangeTime(body.from, 'from')
  if (fromMs >= toMs) throw new AnalysisRequestError('from', 'must be before "to"')
  if (unitCount(fromMs, toMs, period) > MAX_STICKINESS_UNITS) {
    throw new AnalysisRequestError('from', `the range spans more than ${MAX_STICKINESS_UNITS} ${period}s: narrow it or count a longer period`)
  }
  return { event, filters, period, interval, fromMs, toMs }
}
