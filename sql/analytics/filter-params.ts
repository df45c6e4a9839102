// Property filters (models/analytics/property-filter.ts) as the bound array parameters the analysis
// SQL evaluates per event: in retention.sql and lifecycle.sql (funnel.sql: filter_steps) filter i belongs to group
// filter_groups[i] (1-based: which event of the request it applies to); paths and stickiness have
// one group and no filter_groups.
import type { FilterValue, PropertyFilter } from '../../models/analytics/property-filter.ts'

/** The SQL evaluates eq, in, is_set, contains and the number comparisons; the rest are their negations. */
const POSITIVE_OP: Record<PropertyFilter['op'], [string, number]> = {
  eq: ['eq', 0], neq: ['eq', 1], in: ['eq', 0], not_in: ['eq', 1], is_set: ['is_set', 0], is_not_set: ['is_set', 1],
  gt: ['gt', 0], gte: ['gte', 0], lt: ['lt', 0], lte: ['lte', 0], contains: ['contains', 0],
}

function kindOf(v: FilterValue): string {
  return typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'bool'
}

/** `groups[g]` holds the filters of group g + 1. */
export function filterParams(groups: PropertyFilter[][]): Record<string, unknown> {
  const filters = groups.flatMap((fs, g) => fs.map((f) => ({ group: g + 1, f })))
  return {
    filter_groups: filters.map((x) => x.group),
    filter_props: filters.map((x) => x.f.property),
    filter_ops: filters.map((x) => POSITIVE_OP[x.f.op][0]),
    filter_negate: filters.map((x) => POSITIVE_OP[x.f.op][1]),
    filter_kinds: filters.map((x) => x.f.values.map(kindOf)),
    filter_texts: filters.map((x) => x.f.values.map((v) => (typeof v === 'number' ? '' : String(v)))),
    // Numbers travel as text: the parameter binding refuses integers past 2^53.
    filter_numbers: filters.map((x) => x.f.values.map((v) => (typeof v === 'number' ? String(v) : '0'))),
  }
}

/** One group's filters, for a query that has no filter_groups parameter. */
export function propertyFilterParams(filters: PropertyFilter[]): Record<string, unknown> {
  const { filter_groups: _groups, ...params } = filterParams([filters])
  return params
}
