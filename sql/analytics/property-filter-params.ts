// Property filters (models/analytics/property-filter.ts) as the bound arrays the analysis SQL
// evaluates: the SQL knows eq, in, is_set, contains and the number comparisons, and the rest are
// their negations (neq = not eq), so one expression serves every op.
import type { FilterValue, PropertyFilter } from '../../models/analytics/property-filter.ts'

const POSITIVE_OP: Record<PropertyFilter['op'], [string, number]> = {
  eq: ['eq', 0], neq: ['eq', 1], in: ['eq', 0], not_in: ['eq', 1], is_set: ['is_set', 0], is_not_set: ['is_set', 1],
  gt: ['gt', 0], gte: ['gte', 0], lt: ['lt', 0], lte: ['lte', 0], contains: ['contains', 0],
}

function kindOf(v: FilterValue): string {
  return typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'bool'
}

export function propertyFilterParams(filters: PropertyFilter[]): Record<string, unknown> {
  return {
    filter_props: filters.map((f) => f.property),
    filter_ops: filters.map((f) => POSITIVE_OP[f.op][0]),
    filter_negate: filters.map((f) => POSITIVE_OP[f.op][1]),
    filter_kinds: filters.map((f) => f.values.map(kindOf)),
    filter_texts: filters.map((f) => f.values.map((v) => (typeof v === 'number' ? '' : String(v)))),
    // Text, so numbers past 2^53 reach the engine as given (the binding refuses them as numbers).
    filter_numbers: filters.map((f) => f.values.map((v) => (typeof v === 'number' ? String(v) : '0'))),
  }
}
