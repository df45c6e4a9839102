// "As of" a day or a moment: a date (YYYY-MM-DD) means the end of that day in UTC, so that the
// day's purchases are in; any other text is read as an ISO-8601 time. NaN when unreadable.
export function asOfTime(text: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`)
    return Number.isNaN(start) ? NaN : start + 86_400_000 - 1
  }
  return Date.parse(text)
}
