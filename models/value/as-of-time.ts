// "As of" a day or a moment: a date (YYYY-MM-DD) means the end of that day in UTC, so that the
// day's purchases are in; any other text is read as an ISO-8601 time. NaN when unreadable, and
// when the date does not exist (2024-02-30): Date.parse would roll it over into March.
const DATE = /^(\d{4})-(\d{2})-(\d{2})/

/** Start (00:00 UTC) of the calendar day YYYY-MM-DD; NaN for anything else or a day that does not exist. */
export function dayStartTime(text: string): number {
  const m = DATE.exec(text)
  if (!m || text.length !== 10) return NaN
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  // Date.UTC maps year 0-99 to 1900-1999; the round trip catches that too.
  return new Date(ms).toISOString().slice(0, 10) === text ? ms : NaN
}

export function asOfTime(text: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = dayStartTime(text)
    return Number.isNaN(start) ? NaN : start + 86_400_000 - 1
  }
  const day = DATE.exec(text)
  if (day && Number.isNaN(dayStartTime(day[0]))) return NaN
  return Date.parse(text)
}
