// Field readers shared by the Segment and PostHog normalisers: lenient where the SDKs are
// (numbers as ids are stringified, like PostHog does), strict where a value can't be meant.

export const MAX_ID_LENGTH = 200

/** '' when absent; null when present with a type that can never be an id. */
export function readId(value: unknown): string | null {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value.trim().slice(0, MAX_ID_LENGTH)
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return null
}

/** Optional string field: '' when absent, null when of another type. */
export function readString(value: unknown): string | null {
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? value : null
}

export function readNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return null
}

export function jsonText(value: unknown): string {
  return value === undefined || value === null ? '{}' : JSON.stringify(value)
}

export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
}
