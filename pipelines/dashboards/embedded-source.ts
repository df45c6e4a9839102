// The dashboards' reads on a data folder's engine (no Pulse running): the functions behind the API
// routes, and named queries through the query API's sealed read session.
import { parseFunnelRequest } from '../../models/analytics/funnel-request.ts'
import { parseLifecycleRequest } from '../../models/analytics/lifecycle-request.ts'
import { parseRetentionRequest } from '../../models/analytics/retention-request.ts'
import { churnModelBody } from '../../ingest/api/churn-model-routes.ts'
import { runLifecycle } from '../../sql/analytics/lifecycle-query.ts'
import { runRetention } from '../../sql/analytics/retention-query.ts'
import { readChurnModel } from '../../sql/profiles/churn-model-reads.ts'
import { runFunnel } from '../../sql/analytics/funnel-query.ts'
import type { ClickHouse } from '../../sql/clickhouse-client.ts'
import { runReadOnlyQuery } from '../../sql/read-path/read-only-query.ts'
import { readComplaintRecords, readNpsByPeriod } from '../../sql/profiles/service-reads.ts'
import { readHeldTags } from '../../sql/profiles/tag-holder-reads.ts'
import { query } from '../../sql/sql-files.ts'
import type { TagSettings } from '../../models/tags/tag-settings.ts'
import type { DashboardSource } from './dashboard-source.ts'

export function embeddedSource(ch: ClickHouse, tags: TagSettings, now: number): DashboardSource {
  const readClient = ch.readClient
  const analysisClient = ch.analysisClient
  if (!readClient || !analysisClient) throw new Error('the dashboards need the read session of the engine')
  return {
    rows: (name, params) => runReadOnlyQuery(readClient, query(name), params, ch.database),
    heldTags: () => readHeldTags(ch.client),
    complaints: (range) => readComplaintRecords(ch.client, { ...range, now }, { majorMs: tags.sla.majorHours * 3_600_000, normalMs: tags.sla.normalHours * 3_600_000 }),
    nps: (range) => readNpsByPeriod(ch.client, range, tags.nps),
    funnel: (body) => runFunnel(analysisClient, parseFunnelRequest(body, now), now),
    retention: (body) => runRetention(analysisClient, parseRetentionRequest(body, now), now),
    lifecycle: (body) => runLifecycle(analysisClient, parseLifecycleRequest(body, now), now),
    churnModel: async () => {
      const model = await readChurnModel(ch.client)
      return model ? churnModelBody(model) : null
    },
  }
}
