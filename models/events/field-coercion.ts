// Field readers shared by the Segment and PostHog normalisers: lenient where the SDKs are
// (numbers as ids are stringified, like PostHog does), strict where a value can't be meant.

export const MAX_ID_LENGTH = 200

/**
 * The text as stored: a lone UTF-16 surrogate (JSON lets a sender write `"\ud800"`) has no UTF-8
 * form, so it becomes U+FFFD, as the UTF-8 encoder would write it anyway.
 */
export function wellFormed(s: string): string {
  return s.isWellFormed() ? s : s.toWellFormed()
}

/** A currency is an ISO 4217 code (3 letters); longer text is cut here rather than stored whole. */
export const MAX_CURRENCY_LENGTH = 16

/** At most `max` UTF-16 units, never ending inside a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s
  const last = s.charCodeAt(max - 1)
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max)
}

/** '' when absent; null when present with a type that can never be an id. */
export function readId(value: unknown): string | null {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return wellFormed(truncate(value.trim(), MAX_ID_LENGTH))
  // A whole number past 2^53 has already lost digits in JSON parsing: two customers' ids could
  // read as one, so such an id is refused rather than stored wrong.
  if (typeof value === 'number' && Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value))) return String(value)
  return null
}

/** Optional string field: '' when absent, null when of another type. */
export function readString(value: unknown): string | null {
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? wellFormed(value) : null
}

// Decimal numbers only: Number() would also read "0x1F", "0b1" and " " as amounts.
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/
const NOT_FINITE = /^[-+]?(?:Infinity|NaN)$/

/**
 * A number field: null when absent or not a number; NaN when it is a number that no Float64
 * column holds as a finite value (`1e400` parses to Infinity, "NaN", "-Infinity").
 */
export function readNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN
  if (typeof value !== 'string') return null
  const text = value.trim()
  if (DECIMAL.test(text)) {
    const n = Number(text)
    return Number.isFinite(n) ? n : NaN
  }
  return NOT_FINITE.test(text) ? NaN : null
}

/** The JSON text of a stored object; null when it nests too deeply for JSON.stringify's recursion. */
export function jsonText(value: unknown): string | null {
  if (value === undefined || value === null) return '{}'
  try {
    return JSON.stringify(value)
  } catch (e) {
    if (e instanceof RangeError) return null
    throw e
  }
}

export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
}

/** A value as a message quotes it: short, and never a serialisation that could fail. */
export function quoted(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(truncate(v, 60) + (v.length > 60 ? '…' : ''))
  return typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined ? String(v ?? null) : `an ${typeName(v)}`
}
