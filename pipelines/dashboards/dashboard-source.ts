// Where the dashboards read their figures: the same reads the HTTP API answers with, either through
// a running Pulse's API or on a data folder's engine. Figures without a dedicated route are named
// sql/queries files, run as the query API runs an analyst's query (sealed read session), so a
// dashboard's number and `POST /api/sql` with the same query agree exactly.
import type { ComplaintRecord, NpsPeriod } from '../../sql/profiles/service-reads.ts'
import type { HeldTag } from '../../sql/profiles/tag-holder-reads.ts'
import type { FunnelAnswer } from '../../models/analytics/funnel-answer.ts'
import type { LifecycleAnswer } from '../../models/analytics/lifecycle-answer.ts'
import type { RetentionAnswer } from '../../models/analytics/retention-answer.ts'
import type { ChurnModelBody } from '../../ingest/api/churn-model-routes.ts'
import type { NpsPeriod as Period } from '../../models/dashboards/dashboards-config.ts'

export type Row = Record<string, unknown>

export interface DashboardSource {
  /** Rows of `sql/queries/<name>.sql` with bound parameters. */
  rows(name: string, params: Record<string, unknown>): Promise<Row[]>
  /** What GET /api/tags answers: each tag held now, its layer and how many persons hold it. */
  heldTags(): Promise<HeldTag[]>
  /** What GET /api/service/complaints answers for [from, to) (ms). */
  complaints(range: { from: number; to: number; limit: number }): Promise<ComplaintRecord[]>
  /** What GET /api/service/nps answers for [from, to) (ms). */
  nps(range: { from: number; to: number; period: Period }): Promise<NpsPeriod[]>
  /** What POST /api/funnels answers for this body (its from / to included). */
  funnel(body: Record<string, unknown>): Promise<FunnelAnswer>
  /** What POST /api/retention answers for this body. */
  retention(body: Record<string, unknown>): Promise<RetentionAnswer>
  /** What POST /api/lifecycle answers for this body. */
  lifecycle(body: Record<string, unknown>): Promise<LifecycleAnswer>
  /** The latest churn model as GET /api/models/churn gives it; null while none is fitted (its 404 no_churn_model). */
  churnModel(): Promise<ChurnModelBody | null>
}

/** The largest page the complaints route gives. */
export const COMPLAINTS_LIMIT = 100_000
