// The range a dashboards run covers, [from, to) in ms: `--to` (default now) and `--from` (default
// the config's range_days before `to`), each a date (its 00:00 UTC) or an ISO-8601 time with a
// zone: a time without one would be read in the machine's zone, and two machines would disagree.
const DAY_MS = 86_400_000
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i

/** ms of a date or zoned ISO time; NaN for anything else, a day that does not exist included. */
export function rangeBound(text: string): number {
  const m = DATE.exec(text)
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
    return new Date(ms).toISOString().slice(0, 10) === text ? ms : NaN
  }
  const day = /^(\d{4}-\d{2}-\d{2})T/.exec(text)
  if (!ZONED.test(text) || (day && Number.isNaN(rangeBound(day[1])))) return NaN
  return Date.parse(text)
}

export type RangeResult = { ok: true; from: number; to: number } | { ok: false; error: string }

export function dashboardRange(given: { from?: string; to?: string }, now: number, rangeDays: number): RangeResult {
  const to = given.to === undefined ? now : rangeBound(given.to)
  if (Number.isNaN(to)) return { ok: false, error: `--to "${given.to}" must be a date that exists, like 2026-01-31, or an ISO-8601 time with a zone, like 2026-01-31T12:00:00Z` }
  const from = given.from === undefined ? to - rangeDays * DAY_MS : rangeBound(given.from)
  if (Number.isNaN(from)) return { ok: false, error: `--from "${given.from}" must be a date that exists, like 2026-01-01, or an ISO-8601 time with a zone, like 2026-01-01T00:00:00Z` }
  if (from >= to) return { ok: false, error: `--from (${new Date(from).toISOString()}) must be before --to (${new Date(to).toISOString()})` }
  return { ok: true, from, to }
}
