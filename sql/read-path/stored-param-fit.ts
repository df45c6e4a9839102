// Which query API parameters may be read from a stored row (analysis-session.ts) instead of
// bound: only those the engine's JSON reader reads exactly as binding would, and small ones. The
// JSON reader and binding part ways on many values (an integer out of range inside an array, a
// text for Bool or Array, an object for String, a date as a number: the reader gives a default
// where binding refuses or reads it otherwise). The query API refuses the others (a statement bound
// on the embedded engine holds every other bound statement of the process, the storing of events
// included, behind it while it runs: read-only-query.ts); Pulse's own reads bind them.
import type { Placeholder } from './placeholder-scan.ts'

/**
 * Stored parameters of one statement, as JSON text, at most this long: the table holding them is
 * bounded in memory, and the engine stops reading a stored row as a constant (as LIMIT and table
 * functions need it) a little below 1 MiB.
 */
export const MAX_STORED_PARAMS_BYTES = 512 * 1024

const INT_RANGE: Record<string, [bigint, bigint]> = {
  UInt8: [0n, 255n], UInt16: [0n, 65535n], UInt32: [0n, 4294967295n], UInt64: [0n, 2n ** 64n - 1n],
  Int8: [-128n, 127n], Int16: [-32768n, 32767n], Int32: [-(2n ** 31n), 2n ** 31n - 1n], Int64: [-(2n ** 63n), 2n ** 63n - 1n],
}
const INTEGER = /^-?\d{1,20}$/
const FLOAT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/
const DATE_TIME_FRACTION = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/
// DateTime64(9) holds nanoseconds in an Int64: the JSON reader reads a time outside its range as
// 1970-01-01 where binding refuses it. The seconds at both ends are left out.
const NANOSECOND_RANGE = ['1677-09-21 00:12:44', '2262-04-11 23:47:16']
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/** A scalar value of `type` the JSON reader reads as binding does. */
function scalarFits(type: string, value: unknown): boolean {
  const range = INT_RANGE[type]
  if (range) {
    const text = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : typeof value === 'string' ? value : ''
    if (!INTEGER.test(text)) return false
    const n = BigInt(text)
    return n >= range[0] && n <= range[1]
  }
  if (type === 'Float64' || type === 'Float32') return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && FLOAT.test(value))
  if (type === 'String') return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
  if (type === 'Bool') return typeof value === 'boolean'
  if (type === 'Date') return typeof value === 'string' && DATE.test(value)
  // A fraction of a second for DateTime is cut by the JSON reader, refused by binding.
  if (type === 'DateTime') return typeof value === 'string' && DATE_TIME.test(value)
  if (/^DateTime64\([0-9]\)$/.test(type)) {
    if (typeof value !== 'string' || !DATE_TIME_FRACTION.test(value)) return false
    const seconds = value.slice(0, 19)
    return type !== 'DateTime64(9)' || (seconds > NANOSECOND_RANGE[0] && seconds < NANOSECOND_RANGE[1])
  }
  if (type === 'UUID') return typeof value === 'string' && UUID.test(value)
  return false
}

function fits(type: string, value: unknown): boolean {
  const nullable = /^Nullable\((.+)\)$/.exec(type)
  if (nullable) return value === null || scalarFits(nullable[1], value)
  const array = /^Array\((.+)\)$/.exec(type)
  if (array) return Array.isArray(value) && value.every((v) => scalarFits(array[1], v))
  return scalarFits(type, value)
}

/** What keeps a statement's parameters from a stored row, in words for the caller; null when nothing does. */
export function storedParamsProblem(placeholders: Placeholder[], values: Record<string, unknown>, storedText: string): string | null {
  const bytes = Buffer.byteLength(storedText)
  if (bytes > MAX_STORED_PARAMS_BYTES) return `the parameters take ${bytes} bytes as JSON, more than the ${MAX_STORED_PARAMS_BYTES} the query API reads`
  for (const { name, type } of placeholders) {
    if (!(name in values)) return `parameter ${name} is not set`
    if (!fits(type.trim(), values[name])) return `parameter {${name}:${type}} with value ${JSON.stringify(values[name])?.slice(0, 60)}`
  }
  return null
}

/** True when every parameter of the statement may be read from a stored row of `storedText`. */
export function storedParamsFit(placeholders: Placeholder[], values: Record<string, unknown>, storedText: string): boolean {
  return storedParamsProblem(placeholders, values, storedText) === null
}
