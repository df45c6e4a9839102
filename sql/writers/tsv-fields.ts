// Field encodings of the TabSeparated bodies the writers build (the engine's TSV input format).

const SPECIAL = /[\\\t\n\r]/
const SPECIAL_ALL = /[\\\t\n\r]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** A String field: backslash, tab, line feed and carriage return escaped. */
export function tsvText(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s
}

/** A JSON.stringify text as a String field: JSON holds no raw tab or line break, only backslashes. */
export function tsvJson(s: string): string {
  return s.indexOf('\\') < 0 ? s : s.replaceAll('\\', '\\\\')
}

const QUOTED_SPECIAL = /[\\'\t\n\r]/g
const QUOTED_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/**
 * An Array(String) field: TabSeparated reads an array's elements as quoted strings, with their
 * own escapes and no second TabSeparated escaping (escaping twice doubled every backslash).
 */
export function tsvArray(items: readonly string[]): string {
  return items.length === 0 ? '[]' : '[' + items.map((i) => "'" + i.replace(QUOTED_SPECIAL, (c) => QUOTED_ESCAPES[c]) + "'").join(',') + ']'
}

/** A Nullable number field. */
export function tsvNullable(v: number | null): string {
  return v === null ? '\\N' : String(v)
}

// Epoch `seconds.mmm` is read as such only with 9 or 10 digits of seconds (1973-03-03 to
// 2286-11-20): earlier, negative and later values fail the insert or are misread as dates.
const FIRST_EPOCH_TEXT_MS = 100_000_000_000
const LAST_EPOCH_TEXT_MS = 9_999_999_999_999

/**
 * Epoch ms -> the text a DateTime64(3) field reads: `seconds.mmm` where the engine reads it (twenty
 * times cheaper to write than a date), else `2026-01-31T12:00:00.000Z`.
 */
export function tsvTime(ms: number): string {
  const whole = Math.round(ms)
  if (whole < FIRST_EPOCH_TEXT_MS || whole > LAST_EPOCH_TEXT_MS) return new Date(whole).toISOString()
  const seconds = Math.floor(whole / 1000)
  const rest = whole - seconds * 1000
  return `${seconds}.${rest < 10 ? '00' : rest < 100 ? '0' : ''}${rest}`
}
