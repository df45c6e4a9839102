// The `from` / `to` of an analysis range: a date (YYYY-MM-DD, 00:00 UTC of that day) or an ISO-8601
// time naming its zone (`Z` or an offset); a time without a zone is refused rather than read in
// some server's zone, and a day that does not exist (2026-02-30) rather than rolled over.
import { MAX_TIME_MS, MIN_TIME_MS } from '../events/event-time.ts'
import { AnalysisRequestError } from './request-error.ts'

/** 00:00 UTC of YYYY-MM-DD, NaN for a day that does not exist (Date.UTC would roll it over). */
function dayStartTime(text: string): number {
  const [y, m, d] = text.split('-').map(Number)
  const ms = Date.UTC(y, m - 1, d)
  // Date.UTC maps years 0-99 to 1900-1999; the round trip catches that too.
  return new Date(ms).toISOString().slice(0, 10) === text ? ms : NaN
}

const ISO_WITH_ZONE = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i

/** Within the times events can have (1900-01-01 to 2299-12-31 UTC, README "What is stored"). */
export function parseRangeTime(value: unknown, field: string): number {
  const ms = readTime(value, field)
  if (ms < MIN_TIME_MS || ms > MAX_TIME_MS + 1) throw new AnalysisRequestError(field, 'must be within 1900-01-01 and 2300-01-01, the times events can have')
  return ms
}

function readTime(value: unknown, field: string): number {
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const ms = dayStartTime(value)
      if (!Number.isNaN(ms)) return ms
    } else {
      const m = ISO_WITH_ZONE.exec(value)
      if (m && !Number.isNaN(dayStartTime(m[1]))) {
        const ms = Date.parse(value.replace(' ', 'T'))
        if (!Number.isNaN(ms)) return ms
      }
    }
  }
  throw new AnalysisRequestError(field, `expected a date (2026-01-31) or an ISO-8601 time with its zone (2026-01-31T12:00:00Z), got ${JSON.stringify(value)}`)
}
