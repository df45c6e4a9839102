// Parameter values the engine would read as something else: ClickHouse wraps an integer that does
// not fit its type (300 as UInt8 is 44) and rolls an impossible date over (2026-02-30 is March 2),
// so a filter would silently match other rows. Checked here, against each {name:Type} of the query
// (outside quotes and comments, as the engine reads them: placeholder-scan.ts).
import { placeholdersOf } from './placeholder-scan.ts'

const INT_RANGE: Record<string, [bigint, bigint]> = {
  UInt8: [0n, 255n], UInt16: [0n, 65535n], UInt32: [0n, 4294967295n], UInt64: [0n, 2n ** 64n - 1n],
  Int8: [-128n, 127n], Int16: [-32768n, 32767n], Int32: [-(2n ** 31n), 2n ** 31n - 1n], Int64: [-(2n ** 63n), 2n ** 63n - 1n],
}

/** The date part of a Date / DateTime text names a day that exists. */
function realDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text)
  if (!m) return true // other spellings (epoch numbers) are the engine's to read
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

function problem(type: string, value: unknown): string | null {
  const base = type.replace(/^Nullable\((.*)\)$/, '$1')
  const range = INT_RANGE[base]
  if (range) {
    const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : ''
    if (!/^[-+]?\d+$/.test(text)) return `a whole number for ${base}`
    const n = BigInt(text)
    return n < range[0] || n > range[1] ? `a whole number from ${range[0]} to ${range[1]} for ${base}` : null
  }
  if (/^(Date|Date32|DateTime|DateTime64)\b/.test(base) && typeof value === 'string' && !realDay(value)) return `a date that exists for ${base}`
  return null
}

/** A sentence naming the first parameter whose value its type would not hold as given, or null. */
export function parameterProblem(sql: string, params: Record<string, unknown>): string | null {
  for (const { name, type } of placeholdersOf(sql)) {
    if (!(name in params) || params[name] === null) continue
    const wanted = problem(type, params[name])
    if (wanted) return `parameter ${name} must be ${wanted}, got ${JSON.stringify(params[name]).slice(0, 60)}`
  }
  return null
}
