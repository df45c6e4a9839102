// What every page builder gets: where to read, the range, the clock's now and the config.
import type { DashboardsConfig } from '../../models/dashboards/dashboards-config.ts'
import type { DashboardSource } from './dashboard-source.ts'

export interface PageContext {
  source: DashboardSource
  /** [from, to) in ms. */
  from: number
  to: number
  now: number
  config: DashboardsConfig
  /** Events whose revenue counts as purchase revenue (--ltv-purchase-event). */
  purchaseEvents: string[]
}

export const num = (v: unknown): number => Number(v ?? 0)
