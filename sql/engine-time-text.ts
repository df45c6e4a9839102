// Times for JSONEachRow inserts and query parameters of DateTime64(3, 'UTC') columns.

/**
 * `2026-01-31 12:00:00.000` (UTC): the engine reads it for every time a column holds. (Epoch
 * `seconds.mmm` is misread below 10^8 seconds, before 1973-03-03.)
 */
export function engineTimeText(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().replace('T', ' ').replace('Z', '')
}
