// The dashboards' reads through a running Pulse's HTTP API (read key): the dedicated routes where
// they exist (/api/tags, /api/service/complaints, /api/service/nps, /api/funnels, /api/retention,
// /api/lifecycle, /api/models/churn), else the named query's text
// through POST /api/sql.
import type { FunnelAnswer } from '../../models/analytics/funnel-answer.ts'
import type { LifecycleAnswer } from '../../models/analytics/lifecycle-answer.ts'
import type { RetentionAnswer } from '../../models/analytics/retention-answer.ts'
import type { ChurnModelBody } from '../../ingest/api/churn-model-routes.ts'
import type { ComplaintRecord, NpsPeriod } from '../../sql/profiles/service-reads.ts'
import type { HeldTag } from '../../sql/profiles/tag-holder-reads.ts'
import { query } from '../../sql/sql-files.ts'
import { getFromPulse, postToPulse, type PulseAnswer } from '../cli/pulse-request.ts'
import { userError } from '../cli/user-error.ts'
import type { DashboardSource, Row } from './dashboard-source.ts'

function answered<T>(route: string, { status, body }: PulseAnswer<T>): T {
  if (status !== 200) throw userError(`${route} answered HTTP ${status}: ${body.error?.message ?? 'no message'}`)
  return body
}

const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString())

export function httpSource(url: string, readKey: string): DashboardSource {
  return {
    rows: async (name, params) => answered('/api/sql', await postToPulse<{ rows: Row[] }>(url, '/api/sql', readKey, { query: query(name), params })).rows,
    heldTags: async () => answered('/api/tags', await getFromPulse<{ tags: HeldTag[] }>(url, '/api/tags', readKey)).tags,
    complaints: async ({ from, to, limit }) =>
      answered('/api/service/complaints', await getFromPulse<{ complaints: ComplaintRecord[] }>(url, `/api/service/complaints?from=${iso(from)}&to=${iso(to)}&limit=${limit}`, readKey)).complaints,
    nps: async ({ from, to, period }) =>
      answered('/api/service/nps', await getFromPulse<{ nps: NpsPeriod[] }>(url, `/api/service/nps?period=${period}&from=${iso(from)}&to=${iso(to)}`, readKey)).nps,
    funnel: async (body) => answered('/api/funnels', await postToPulse<FunnelAnswer>(url, '/api/funnels', readKey, body)),
    retention: async (body) => answered('/api/retention', await postToPulse<RetentionAnswer>(url, '/api/retention', readKey, body)),
    lifecycle: async (body) => answered('/api/lifecycle', await postToPulse<LifecycleAnswer>(url, '/api/lifecycle', readKey, body)),
    churnModel: async () => {
      const res = await getFromPulse<{ churn_model: ChurnModelBody }>(url, '/api/models/churn', readKey)
      if (res.status === 404 && res.body.error?.code === 'no_churn_model') return null
      return answered('/api/models/churn', res).churn_model
    },
  }
}
