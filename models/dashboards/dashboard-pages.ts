// The dashboard pages Pulse writes, in their default order. A page is listed here once it is
// built: index.html names only these, so a page that does not exist yet is never linked.
export const DASHBOARD_PAGE_IDS = ['overview', 'funnels', 'retention', 'customer_value', 'churn', 'tags_service'] as const

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
  retention: {
    id: 'retention',
    title: 'Retention',
    file: 'retention.html',
    summary: 'The cohort triangle, retention curves by period, lifecycle bars (new, returning, resurrecting, dormant)',
  },
  customer_value: {
    id: 'customer_value',
    title: 'Customer value',
    file: 'customer-value.html',
    summary: 'RFM grid, RFM-LTV tiers, CLV distribution, BG/NBD calibration, the fitted BG/NBD and Gamma-Gamma parameters',
  },
  churn: {
    id: 'churn',
    title: 'Churn',
    file: 'churn.html',
    summary: 'Churn scores by band, the model card\'s gains, lift and calibration, persons at risk by value tier, recent churn alerts',
  },
  tags_service: {
    id: 'tags_service',
    title: 'Tags and service',
    file: 'tags-and-service.html',
    summary: 'Persons per tag by layer, tag changes per day, complaint SLA compliance, NPS, health scores',
  },
}
