// Event times: how a time value is read, and which times the events table can hold.
// Times without a zone are read as UTC: the server's own zone says nothing about the sender's, and
// reading them in it would make the same request store different times on different servers.

/** DateTime64(3) holds 1900-01-01 00:00:00.000 to 2299-12-31 23:59:59.999 (ClickHouse, DateTime64). */
export const MIN_TIME_MS = Date.UTC(1900, 0, 1)
export const MAX_TIME_MS = Date.UTC(2300, 0, 1) - 1

// RFC 3339 / ISO 8601 extended form: date, optional time (`T`, `t` or a space), fraction, zone.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/
// Other forms Date.parse reads (RFC 2822, toUTCString) are kept only when they name their zone.
const NAMED_ZONE = /(?:\b(?:GMT|UTC|Z)|[+-]\d{2}:?\d{2})\s*(?:\([^)]*\))?$/i

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]
}

/** Digits of `text` from `at` for `n` characters as a number, -1 when any is not a digit. */
function digitsAt(text: string, at: number, n: number): number {
  let v = 0
  for (let i = at; i < at + n; i++) {
    const d = text.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    v = v * 10 + d
  }
  return v
}

/**
 * The form nearly every SDK sends (`toISOString()`: YYYY-MM-DDTHH:MM:SS.sssZ, or without the
 * fraction), read without a regular expression: time parsing is a tenth of the processor's work
 * per event otherwise. NaN when the text is not exactly that form (the general reader decides).
 */
function parseCanonicalUtc(text: string): number {
  const len = text.length
  if ((len !== 24 && len !== 20) || text.charCodeAt(len - 1) !== 90 /* Z */) return NaN
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return NaN
  if (len === 24 && text[19] !== '.') return NaN
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 2)
  const day = digitsAt(text, 8, 2)
  const hour = digitsAt(text, 11, 2)
  const minute = digitsAt(text, 14, 2)
  const second = digitsAt(text, 17, 2)
  const ms = len === 24 ? digitsAt(text, 20, 3) : 0
  if (year < 100 || month < 1 || month > 12 || day < 1 || ms < 0) return NaN
  if (day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN
  return Date.UTC(year, month - 1, day, hour, minute, second, ms)
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0
  const sign = zone[0] === '-' ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0
  return hours > 23 || minutes > 59 ? NaN : sign * (hours * 60 + minutes)
}

/** Epoch ms of an ISO-8601 text, NaN when it is not one; no zone means UTC. */
function parseIsoTime(text: string): number {
  const canonical = parseCanonicalUtc(text)
  if (!Number.isNaN(canonical)) return canonical
  const m = ISO_TIME.exec(text)
  if (!m) return NaN
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN
  if (hour > 23 || minute > 59 || second > 59) return NaN
  // Milliseconds are what the table keeps: further digits are dropped, as Date.parse does.
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0
  const offset = zoneOffsetMinutes(m[8])
  const utc = new Date(0)
  utc.setUTCFullYear(year, month - 1, day) // Date.UTC maps years 0-99 to 1900-1999
  utc.setUTCHours(hour, minute, second, ms)
  return utc.getTime() - offset * 60_000
}

/**
 * Epoch ms of a time field: an ISO-8601 string (no zone = UTC) or epoch milliseconds; null when
 * absent, NaN when present but unreadable.
 */
export function parseTime(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN
  if (typeof value !== 'string') return NaN
  const text = value.trim()
  const iso = parseIsoTime(text)
  if (!Number.isNaN(iso) || /^\d{4}-\d{2}/.test(text)) return iso
  return NAMED_ZONE.test(text) ? Date.parse(text) : NaN
}

export function isStorableTime(ms: number): boolean {
  return ms >= MIN_TIME_MS && ms <= MAX_TIME_MS
}

/** How a time reads in a message: ISO when it is a date at all, else the raw number. */
export function describeTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms)
}
