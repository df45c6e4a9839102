// `{ "event", "filters" }` of a retention or lifecycle request: an event name and the property
// filters an event of that name must pass (README, "Funnels", filters).
import { parseFilters, parseName, type PropertyFilter } from './property-filter.ts'
import { AnalysisRequestError } from './request-error.ts'

export interface EventMatch {
  event: string
  filters: PropertyFilter[]
}

export function parseEventMatch(raw: unknown, field: string): EventMatch {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AnalysisRequestError(field, 'expected { "event": "...", "filters": [...] }')
  const o = raw as Record<string, unknown>
  for (const k of Object.keys(o)) if (k !== 'event' && k !== 'filters') throw new AnalysisRequestError(`${field}.${k}`, 'unknown field; the fields are event, filters')
  return { event: parseName(o.event, `${field}.event`), filters: parseFilters(o.filters, `${field}.filters`) }
}
