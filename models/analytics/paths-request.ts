// The paths request (README, "Paths"): parsed and checked before any query runs, so a body that
// breaks a rule gets one error naming its field.
import { parseDuration } from './duration.ts'
import { parseName } from './property-filter.ts'
import { parseRangeTime } from './range-time.ts'
import { AnalysisRequestError } from './request-error.ts'

export type PathsDirection = 'forward' | 'backward'

export interface PathsRequest {
  /** forward: from the session's start (or `anchor`) on; backward: the events leading to `anchor`. */
  direction: PathsDirection
  /** start_event (forward) or end_event (backward); null: paths from each session's first event. */
  anchor: string | null
  /** Nodes per path, the anchor (or the session's first event) included. */
  steps: number
  sessionGapMs: number
  /** Events kept per step; the rest of the step's events are folded into one "other" node. */
  top: number
  /** Only these events make paths (empty: all of them). */
  includeEvents: string[]
  excludeEvents: string[]
  fromMs: number
  toMs: number
}

export const MIN_PATH_STEPS = 2
export const MAX_PATH_STEPS = 20
export const DEFAULT_PATH_STEPS = 5
export const MAX_TOP = 100
export const DEFAULT_TOP = 20
export const DEFAULT_SESSION_GAP = '30m'
export const MAX_EVENT_LIST = 100
/** Without `from`, the range is the 30 days before `to`; without `to`, it ends at now. */
export const DEFAULT_PATHS_RANGE_MS = 30 * 86_400_000

const KNOWN_FIELDS = new Set(['start_event', 'end_event', 'from', 'to', 'steps', 'session_gap', 'top', 'include_events', 'exclude_events'])

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function wholeNumber(v: unknown, field: string, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new AnalysisRequestError(field, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`)
  return v
}

function eventList(v: unknown, field: string): string[] {
  if (v === undefined) return []
  if (!Array.isArray(v) || v.length > MAX_EVENT_LIST) throw new AnalysisRequestError(field, `expected a list of at most ${MAX_EVENT_LIST} event names`)
  return v.map((e, i) => parseName(e, `${field}[${i}]`))
}

/** The request of a JSON body, with `nowMs` for the default range; throws AnalysisRequestError. */
export function parsePathsRequest(body: unknown, nowMs: number): PathsRequest {
  if (!isObject(body)) throw new AnalysisRequestError('body', 'expected a JSON object such as { "start_event": "Signed Up", "steps": 5 }')
  for (const k of Object.keys(body)) if (!KNOWN_FIELDS.has(k)) throw new AnalysisRequestError(k, `unknown field; the fields are ${[...KNOWN_FIELDS].join(', ')}`)
  const start = body.start_event === undefined || body.start_event === null ? null : parseName(body.start_event, 'start_event')
  const end = body.end_event === undefined || body.end_event === null ? null : parseName(body.end_event, 'end_event')
  if (start !== null && end !== null) throw new AnalysisRequestError('end_event', 'give start_event (paths after it) or end_event (paths leading to it), not both')
  const anchor = start ?? end
  const anchorField = start !== null ? 'start_event' : 'end_event'
  const includeEvents = eventList(body.include_events, 'include_events')
  const excludeEvents = eventList(body.exclude_events, 'exclude_events')
  if (anchor !== null && includeEvents.length > 0 && !includeEvents.includes(anchor)) {
    throw new AnalysisRequestError(anchorField, `"${anchor}" is not in include_events, so no path could reach it: add it there`)
  }
  if (anchor !== null && excludeEvents.includes(anchor)) throw new AnalysisRequestError(anchorField, `"${anchor}" is in exclude_events, so no path could reach it: remove it there`)
  const toMs = body.to === undefined ? nowMs : parseRangeTime(body.to, 'to')
  const fromMs = body.from === undefined ? toMs - DEFAULT_PATHS_RANGE_MS : parseRangeTime(body.from, 'from')
  if (fromMs >= toMs) throw new AnalysisRequestError('from', 'must be before "to"')
  return {
    direction: end !== null ? 'backward' : 'forward',
    anchor,
    steps: wholeNumber(body.steps, 'steps', MIN_PATH_STEPS, MAX_PATH_STEPS, DEFAULT_PATH_STEPS),
    sessionGapMs: parseDuration(body.session_gap ?? DEFAULT_SESSION_GAP, 'session_gap'),
    top: wholeNumber(body.top, 'top', 1, MAX_TOP, DEFAULT_TOP),
    includeEvents,
    excludeEvents,
    fromMs,
    toMs,
  }
}
