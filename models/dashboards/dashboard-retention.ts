// The definitions the Retention page draws, from the dashboards config file: a retention body as
// POST /api/retention takes it and a lifecycle body as POST /api/lifecycle takes it (README,
// "Retention", "Lifecycle"), both without `from` and `to`, which are the page's range. Each body
// is checked by the parser the API uses, so a definition the API would refuse is refused here.
import { parseLifecycleRequest } from '../analytics/lifecycle-request.ts'
import { AnalysisRequestError } from '../analytics/request-error.ts'
import { parseRetentionRequest } from '../analytics/retention-request.ts'

export type AnalysisBody = Record<string, unknown>

/** The demo's: persons who signed up in a week, and whether they logged in again in the weeks after. */
export const DEFAULT_RETENTION: AnalysisBody = {
  cohort_event: { event: 'Signed Up' },
  return_event: { event: 'Logged In' },
  cohort_type: 'first_time',
  retention_type: 'on',
  period: 'week',
  periods: 12,
}

/** The demo's: who logged in each week, new, returning, resurrecting, and who stopped. */
export const DEFAULT_LIFECYCLE: AnalysisBody = { event: 'Logged In', period: 'week' }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

// Any range will do for the check: the page's range is known only when the pages are written.
const CHECK_RANGE = { from: '2026-01-05', to: '2026-01-12' }
const CHECK_NOW = Date.UTC(2026, 0, 12)

function checked(key: string, raw: unknown, example: string, parse: (body: AnalysisBody) => void, errors: string[]): AnalysisBody | null {
  let problem: string | null = null
  if (!isObject(raw)) problem = `${key}: must be an object such as ${example}`
  else if ('from' in raw || 'to' in raw) problem = `${key}: takes no from / to: the page's range (--from, --to, range_days) applies`
  else {
    try {
      parse({ ...raw, ...CHECK_RANGE })
    } catch (e) {
      if (!(e instanceof AnalysisRequestError)) throw e
      problem = `${key}.${e.message}`
    }
  }
  if (problem === null) return raw as AnalysisBody
  errors.push(problem)
  return null
}

/** The config's `retention` body, or null with the problem pushed onto `errors`. */
export function parseDashboardRetention(raw: unknown, errors: string[]): AnalysisBody | null {
  const body = checked('retention', raw, '{ "cohort_event": { "event": "Signed Up" }, "return_event": { "event": "Logged In" } }', (b) => parseRetentionRequest(b, CHECK_NOW), errors)
  // The page draws one table; a breakdown would be computed and never shown.
  if (body && 'breakdown' in body) {
    errors.push('retention.breakdown: the Retention page draws no breakdown: use POST /api/retention for one')
    return null
  }
  return body
}

/** The config's `lifecycle` body, or null with the problem pushed onto `errors`. */
export function parseDashboardLifecycle(raw: unknown, errors: string[]): AnalysisBody | null {
  return checked('lifecycle', raw, '{ "event": "Logged In", "period": "week" }', (b) => parseLifecycleRequest(b, CHECK_NOW), errors)
}
