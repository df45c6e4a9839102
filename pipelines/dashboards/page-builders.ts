// Which charts each page shows. A new page is one entry here and one in
// models/dashboards/dashboard-pages.ts.
import type { ChurnModelBody } from '../../ingest/api/churn-model-routes.ts'
import type { DashboardPageId } from '../../models/dashboards/dashboard-pages.ts'
import type { ChartOutput } from './chart-section.ts'
import { churnCharts } from './churn-page.ts'
import { customerValueCharts, type ModelFit } from './customer-value-page.ts'
import { funnelsCharts } from './funnels-page.ts'
import { overviewCharts, type EventTotals } from './overview-page.ts'
import type { PageContext } from './page-context.ts'
import { retentionCharts } from './retention-page.ts'
import { tagsServiceCharts } from './tags-service-page.ts'

/** Read once and shared by the pages (and the facts at their top). */
export interface SharedReads {
  totals: EventTotals
  fit: ModelFit | null
  churnModel: ChurnModelBody | null
}

export const PAGE_BUILDERS: Record<DashboardPageId, (ctx: PageContext, shared: SharedReads) => Promise<ChartOutput[]>> = {
  overview: (ctx, shared) => overviewCharts(ctx, shared.totals),
  funnels: (ctx) => funnelsCharts(ctx),
  retention: (ctx) => retentionCharts(ctx),
  customer_value: (ctx, shared) => customerValueCharts(ctx, shared.fit),
  churn: (ctx, shared) => churnCharts(ctx, shared.churnModel),
  tags_service: (ctx) => tagsServiceCharts(ctx),
}
