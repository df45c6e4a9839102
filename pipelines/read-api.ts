// The read side of Pulse's HTTP API, wired for the composition root (pulse-app.ts): analyst SQL,
// funnels, retention, lifecycle, paths and stickiness on the sealed read session; customers, tags,
// service quality and the dashboards on Pulse's own fixed reads; saved audiences; the tag sweep on
// demand.
import type { FastifyInstance } from 'fastify'
import path from 'node:path'
import type { ApiKeys } from '../ingest/api/api-keys.ts'
import { registerAudienceRoutes } from '../ingest/api/audience-routes.ts'
import { registerChurnModelRoutes } from '../ingest/api/churn-model-routes.ts'
import { registerCustomerRoutes } from '../ingest/api/customer-routes.ts'
import { registerDashboardRoutes } from '../ingest/api/dashboard-routes.ts'
import { registerFunnelPersonsRoutes } from '../ingest/api/funnel-persons-routes.ts'
import { registerFunnelRoutes } from '../ingest/api/funnel-routes.ts'
import { registerPathsRoutes } from '../ingest/api/paths-routes.ts'
import { registerQueryRoutes } from '../ingest/api/query-routes.ts'
import { registerRetentionRoutes } from '../ingest/api/retention-routes.ts'
import { registerServiceRoutes } from '../ingest/api/service-routes.ts'
import { registerStickinessRoutes } from '../ingest/api/stickiness-routes.ts'
import { registerTagRefreshRoutes } from '../ingest/api/tag-refresh-routes.ts'
import { registerCompactRoutes } from '../ingest/api/compact-routes.ts'
import { AnalysisCompaction, CompactionBusy } from './jobs/analysis-compaction.ts'
import { registerTagRoutes } from '../ingest/api/tag-routes.ts'
import { HttpError } from '../ingest/http-error.ts'
import { SAVED_TAG_PREFIX } from '../models/analytics/funnel-persons-request.ts'
import { healthScore } from '../models/tags/health-score.ts'
import { TAG_CATALOG } from '../models/tags/tag-catalog.ts'
import type { TagSettings } from '../models/tags/tag-settings.ts'
import type { ClickHouse } from '../sql/clickhouse-client.ts'
import type { Clock } from './clock.ts'
import type { PulseConfig } from './config.ts'
import { FunnelAudiences } from './jobs/funnel-audience.ts'
import type { ProfileSystem } from './profile-system.ts'
import type { ChangePublisher } from './stream/change-publisher.ts'

export interface ReadApiDeps {
  clickhouse: ClickHouse
  config: PulseConfig
  clock: Clock
  keys: ApiKeys
  /** The profile system, when this Pulse keeps profiles. */
  profiles(): ProfileSystem | undefined
  /** Publishes tag changes on the changes stream (saved funnel audiences). */
  changes: ChangePublisher
  /** --fault-fail-tag-state-stores: called before a save stores its tag states, throws to fail it. */
  beforeTagStateStore?: () => void
}

/** The catalog as the tag routes describe it, thresholds filled in. */
function tagDefinitions(settings: TagSettings): Array<{ id: string; layer: string; description: string }> {
  const saved = { id: `${SAVED_TAG_PREFIX}<name>`, layer: 'funnel', description: 'persons saved from a funnel step (POST /api/funnels/persons with save_as); replaced by each save of the name' }
  return [...TAG_CATALOG.map((e) => ({ id: e.id, layer: e.layer, description: e.describe(settings) })), saved]
}

export async function registerReadApi(app: FastifyInstance, deps: ReadApiDeps): Promise<void> {
  const { clickhouse, config, clock, keys } = deps
  registerQueryRoutes(app, { client: clickhouse.readClient, database: config.clickhouseDatabase, keys })
  registerFunnelRoutes(app, { client: clickhouse.analysisClient, keys, now: () => clock.now() })
  registerRetentionRoutes(app, { client: clickhouse.analysisClient, keys, now: () => clock.now() })
  const audiences = new FunnelAudiences({ client: clickhouse.client, insert: clickhouse, changes: deps.changes, beforeStateStore: deps.beforeTagStateStore })
  registerFunnelPersonsRoutes(app, {
    client: clickhouse.analysisClient,
    keys,
    now: () => clock.now(),
    saveAudience: async (tag, request, members, nowMs) => {
      if (!deps.profiles()) throw new HttpError(409, 'no_profiles', 'this Pulse keeps no tags (started with --no-profiles or --no-processor): ask the Pulse that runs the processor')
      return audiences.save(tag, request, members, nowMs)
    },
  })
  registerPathsRoutes(app, { client: clickhouse.analysisClient, keys, now: () => clock.now() })
  registerStickinessRoutes(app, { client: clickhouse.analysisClient, keys, now: () => clock.now() })
  // Pulse's own fixed reads (no analyst SQL), so they use the main session rather than the sealed one.
  const tagSettings = config.profilesSettings.tags
  const deadlines = { major: tagSettings.sla.majorHours * 3_600_000, normal: tagSettings.sla.normalHours * 3_600_000 }
  registerCustomerRoutes(app, { client: clickhouse.client, keys, live: () => ({ now: clock.now(), deadlines, health: (f) => healthScore(f, tagSettings).score }) })
  registerTagRoutes(app, { client: clickhouse.client, keys, definitions: tagDefinitions(tagSettings) })
  registerAudienceRoutes(app, { client: clickhouse.client, keys, now: () => clock.now() })
  registerChurnModelRoutes(app, { client: clickhouse.client, keys })
  registerServiceRoutes(app, {
    client: clickhouse.client,
    keys,
    now: () => clock.now(),
    deadlines: { majorMs: deadlines.major, normalMs: deadlines.normal },
    npsBands: tagSettings.nps,
  })
  await registerDashboardRoutes(app, { folder: path.join(config.dataDir, 'dashboards'), keys })
  const compaction = new AnalysisCompaction(clickhouse)
  registerCompactRoutes(app, {
    keys,
    compact: () => compaction.run().catch((e: unknown) => {
      throw e instanceof CompactionBusy ? new HttpError(409, 'compact_busy', e.message) : e
    }),
  })
  registerTagRefreshRoutes(app, {
    keys,
    sweep: async (everyone) => {
      const profiles = deps.profiles()
      if (!profiles) throw new HttpError(409, 'no_profiles', 'this Pulse keeps no profiles (started with --no-profiles or --no-processor): ask the Pulse that runs the processor')
      return profiles.sweep(everyone)
    },
  })
}
