// The dashboard pages Pulse writes, in their default order. A page is listed here once it is
// built: index.html names only these, so a page that does not exist yet is never linked.
export const DASHBOARD_PAGE_IDS = ['overview', 'funnels', 'customer_value', 'tags_service'] as const

export type DashboardPageId = (typeof DASHBOARD_PAGE_IDS)[number]

export interface DashboardPageInfo {
  id: DashboardPageId
  title: string
  /** File name inside the output folder. */
  file: string
  /** One line for the index. */
  summary: string
}

export const DASHBOARD_PAGES: Record<DashboardPageId, DashboardPageInfo> = {
  overview: {
    id: 'overview',
    title: 'Overview',
    file: 'overview.html',
    summary: 'Events and active persons per day, new persons, revenue, ingestion health',
  },
  funnels: {
    id: 'funnels',
    title: 'Funnels',
    file: 'funnels.html',
    summary: 'Persons per step with the drop-offs, conversion from the start and from the previous step, the largest drop-off, breakdowns',
  },
  customer_value: {
    id: 'customer_value',
    title: 'Customer value',
    file: 'customer-value.html',
    summary: 'RFM grid, RFM-LTV tiers, CLV distribution, BG/NBD calibration, the fitted BG/NBD and Gamma-Gamma parameters',
  },
  tags_service: {
    id: 'tags_service',
    title: 'Tags and service',
    file: 'tags-and-service.html',
    summary: 'Persons per tag by layer, tag changes per day, complaint SLA compliance, NPS, health scores',
  },
}
