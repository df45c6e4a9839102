// Filters on event properties (top-level keys of `properties`). Comparisons follow the JSON type
// of the filter value: a string matches only a string property equal to it, a number only a
// number property (compared as 64-bit floats), true / false only the same boolean. `neq`,
// `not_in` and `is_not_set` are the negations of `eq`, `in` and `is_set`, so they also hold when
// the property is missing. `contains` is a case-sensitive substring of a string property.
import { AnalysisRequestError } from './request-error.ts'

export const FILTER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'contains', 'is_set', 'is_not_set'] as const
export type FilterOp = (typeof FILTER_OPS)[number]
export type FilterValue = string | number | boolean

export interface PropertyFilter {
  property: string
  op: FilterOp
  /** One value for eq/neq/gt/gte/lt/lte/contains, the list for in/not_in, empty for is_set/is_not_set. */
  values: FilterValue[]
}

export const MAX_NAME_LENGTH = 200
const MAX_IN_VALUES = 1000

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A non-empty text of at most 200 characters (event and property names). */
export function parseName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new AnalysisRequestError(field, 'expected a non-empty string')
  if (value.length > MAX_NAME_LENGTH) throw new AnalysisRequestError(field, `longer than ${MAX_NAME_LENGTH} characters`)
  return value
}

function scalar(v: unknown, field: string): FilterValue {
  if (typeof v === 'string' || typeof v === 'boolean') return v
  if (typeof v === 'number' && Number.isFinite(v)) return v
  throw new AnalysisRequestError(field, 'expected a string, a finite number or a boolean')
}

export function parseFilter(raw: unknown, field: string): PropertyFilter {
  if (!isObject(raw)) throw new AnalysisRequestError(field, 'expected { "property", "op", "value" }')
  const property = parseName(raw.property, `${field}.property`)
  const op = raw.op as FilterOp
  if (!FILTER_OPS.includes(op)) throw new AnalysisRequestError(`${field}.op`, `expected one of ${FILTER_OPS.join(', ')}, got ${JSON.stringify(raw.op)}`)
  const vf = `${field}.value`
  if (op === 'is_set' || op === 'is_not_set') {
    if (raw.value !== undefined) throw new AnalysisRequestError(vf, `${op} takes no value`)
    return { property, op, values: [] }
  }
  if (op === 'in' || op === 'not_in') {
    if (!Array.isArray(raw.value) || raw.value.length === 0 || raw.value.length > MAX_IN_VALUES) {
      throw new AnalysisRequestError(vf, `${op} takes a list of 1 to ${MAX_IN_VALUES} values`)
    }
    return { property, op, values: raw.value.map((v, i) => scalar(v, `${vf}[${i}]`)) }
  }
  if (raw.value === undefined) throw new AnalysisRequestError(vf, `${op} needs a value`)
  const value = scalar(raw.value, vf)
  if ((op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') && typeof value !== 'number') throw new AnalysisRequestError(vf, `${op} compares numbers: give a number`)
  if (op === 'contains' && typeof value !== 'string') throw new AnalysisRequestError(vf, 'contains looks for a text: give a string')
  return { property, op, values: [value] }
}

export function parseFilters(raw: unknown, field: string): PropertyFilter[] {
  if (raw === undefined) return []
  if (!Array.isArray(raw) || raw.length > 20) throw new AnalysisRequestError(field, 'expected a list of at most 20 filters')
  return raw.map((f, i) => parseFilter(f, `${field}[${i}]`))
}
