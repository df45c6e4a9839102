// The funnels the Funnels page draws, from the dashboards config file: each a name and a funnel
// body as POST /api/funnels takes it (README, "Funnels"), without `from` and `to`, which are the
// page's range. A body is checked by the same parser the API uses, so a funnel that would be
// refused there is refused in the config, naming the field.
import { parseFunnelRequest } from '../analytics/funnel-request.ts'
import { AnalysisRequestError } from '../analytics/request-error.ts'

export interface DashboardFunnel {
  name: string
  /** The funnel body, without from / to. */
  body: Record<string, unknown>
}

/** The demo's funnel: from a first page view through sign-up to an order, within 30 days. */
export const DEFAULT_FUNNELS: readonly DashboardFunnel[] = [
  {
    name: 'Visit to order',
    body: {
      steps: ['$pageview', 'Signed Up', 'Product Viewed', 'Checkout Started', 'Payment Info Entered', 'Order Completed'].map((event) => ({ event })),
      window: '30d',
    },
  },
]

export const MAX_FUNNELS = 10
const NAME_LENGTH = 100

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The funnels of the config's `funnels` key, or the problems found (each naming its field). */
export function parseDashboardFunnels(raw: unknown, errors: string[]): DashboardFunnel[] {
  if (!Array.isArray(raw) || raw.length > MAX_FUNNELS) {
    errors.push(`funnels: must be a list of at most ${MAX_FUNNELS} funnels, each { "name": "...", "steps": [ { "event": "..." }, ... ], ... } as POST /api/funnels takes them`)
    return []
  }
  const out: DashboardFunnel[] = []
  const names = new Set<string>()
  raw.forEach((entry, i) => {
    const at = `funnels[${i}]`
    if (!isObject(entry)) return void errors.push(`${at}: must be an object { "name": "...", "steps": [...] }`)
    const { name, ...body } = entry
    if (typeof name !== 'string' || name.trim() === '' || name.length > NAME_LENGTH) errors.push(`${at}.name: must be a non-empty string of at most ${NAME_LENGTH} characters`)
    else if (names.has(name.trim())) errors.push(`${at}.name: "${name}" is used by an earlier funnel`)
    else names.add(name.trim())
    if ('from' in body || 'to' in body) return void errors.push(`${at}: takes no from / to: the page's range (--from, --to, range_days) applies`)
    try {
      // Any range will do for the check: the page's range is known only when the pages are written.
      parseFunnelRequest({ ...body, from: '2026-01-01', to: '2026-01-02' }, Date.UTC(2026, 0, 2))
    } catch (e) {
      if (!(e instanceof AnalysisRequestError)) throw e
      return void errors.push(`${at}.${e.message}`)
    }
    if (typeof name === 'string') out.push({ name: name.trim(), body })
  })
  return out
}
