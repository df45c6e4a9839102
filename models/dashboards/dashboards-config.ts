// The dashboards config file (JSON): which pages `pulse dashboards` writes, the default time range
// and the chart settings an analyst may change without code. Every key is checked: an unknown one
// is refused so that a typo cannot silently keep a default; each error names the field and what it
// allows.
import { DEFAULT_FUNNELS, parseDashboardFunnels, type DashboardFunnel } from './dashboard-funnels.ts'
import { DASHBOARD_PAGE_IDS, type DashboardPageId } from './dashboard-pages.ts'
import { DEFAULT_LIFECYCLE, DEFAULT_RETENTION, parseDashboardLifecycle, parseDashboardRetention, type AnalysisBody } from './dashboard-retention.ts'

export type NpsPeriod = 'day' | 'week' | 'month'

export interface DashboardsConfig {
  /** Shown at the top of every page. */
  title: string
  /** The pages written, in this order (index.html lists them). */
  pages: DashboardPageId[]
  /** Days before `--to` (or now) that the range starts, when `--from` is not given. */
  rangeDays: number
  /** Period of the NPS-over-time chart. */
  npsPeriod: NpsPeriod
  /** Bars of the CLV and health-score distributions. */
  histogramBins: number
  /** The funnels of the Funnels page, each over the page's range. */
  funnels: DashboardFunnel[]
  /** The retention table of the Retention page (a POST /api/retention body without from / to). */
  retention: AnalysisBody
  /** The lifecycle bars of the Retention page (a POST /api/lifecycle body without from / to). */
  lifecycle: AnalysisBody
}

export const DEFAULT_DASHBOARDS_CONFIG: DashboardsConfig = {
  title: 'Pulse',
  pages: [...DASHBOARD_PAGE_IDS],
  rangeDays: 90,
  npsPeriod: 'week',
  histogramBins: 20,
  funnels: structuredClone([...DEFAULT_FUNNELS]),
  retention: structuredClone(DEFAULT_RETENTION),
  lifecycle: structuredClone(DEFAULT_LIFECYCLE),
}

/** The file's keys (snake_case, as the other config files of Pulse) and the field each sets. */
const KEYS = { title: 'title', pages: 'pages', range_days: 'rangeDays', nps_period: 'npsPeriod', histogram_bins: 'histogramBins', funnels: 'funnels', retention: 'retention', lifecycle: 'lifecycle' } as const

const RANGE_DAYS = { min: 1, max: 36_500 }
const BINS = { min: 2, max: 200 }
const NPS_PERIODS: readonly NpsPeriod[] = ['day', 'week', 'month']

export type DashboardsConfigResult = { ok: true; config: DashboardsConfig } | { ok: false; errors: string[] }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const shown = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v))
const wholeIn = (v: unknown, r: { min: number; max: number }): v is number => typeof v === 'number' && Number.isInteger(v) && v >= r.min && v <= r.max

/** The file's contents merged over the defaults, or every problem found in it. */
export function parseDashboardsConfig(json: unknown): DashboardsConfigResult {
  if (!isObject(json)) return { ok: false, errors: [`the dashboards config must be a JSON object with some of ${Object.keys(KEYS).join(', ')}`] }
  const errors: string[] = []
  const config: DashboardsConfig = structuredClone(DEFAULT_DASHBOARDS_CONFIG)
  for (const key of Object.keys(json)) {
    if (!(key in KEYS)) errors.push(`${key}: unknown key; allowed: ${Object.keys(KEYS).join(', ')}`)
  }
  const { title, pages, range_days: rangeDays, nps_period: npsPeriod, histogram_bins: bins, funnels, retention, lifecycle } = json
  if (title !== undefined) {
    if (typeof title === 'string' && title.trim() !== '' && title.length <= 200) config.title = title.trim()
    else errors.push(`title: must be a non-empty string of at most 200 characters (got ${shown(title)})`)
  }
  if (pages !== undefined) {
    const known = (p: unknown): p is DashboardPageId => DASHBOARD_PAGE_IDS.includes(p as DashboardPageId)
    if (!Array.isArray(pages) || pages.length === 0) errors.push(`pages: must be a non-empty list of page ids out of ${DASHBOARD_PAGE_IDS.join(', ')} (got ${shown(pages)})`)
    else {
      pages.forEach((p, i) => {
        if (!known(p)) errors.push(`pages[${i}]: unknown page ${shown(p)}; pages: ${DASHBOARD_PAGE_IDS.join(', ')}`)
      })
      if (new Set(pages).size !== pages.length) errors.push('pages: lists a page twice')
      config.pages = pages.filter(known)
    }
  }
  if (rangeDays !== undefined) {
    if (wholeIn(rangeDays, RANGE_DAYS)) config.rangeDays = rangeDays
    else errors.push(`range_days: must be a whole number from ${RANGE_DAYS.min} to ${RANGE_DAYS.max} (got ${shown(rangeDays)})`)
  }
  if (npsPeriod !== undefined) {
    if (NPS_PERIODS.includes(npsPeriod as NpsPeriod)) config.npsPeriod = npsPeriod as NpsPeriod
    else errors.push(`nps_period: must be ${NPS_PERIODS.join(', ')} (got ${shown(npsPeriod)})`)
  }
  if (bins !== undefined) {
    if (wholeIn(bins, BINS)) config.histogramBins = bins
    else errors.push(`histogram_bins: must be a whole number from ${BINS.min} to ${BINS.max} (got ${shown(bins)})`)
  }
  if (funnels !== undefined) config.funnels = parseDashboardFunnels(funnels, errors)
  // A body given replaces the default whole: the API's own defaults fill the fields it leaves out.
  if (retention !== undefined) config.retention = parseDashboardRetention(retention, errors) ?? config.retention
  if (lifecycle !== undefined) config.lifecycle = parseDashboardLifecycle(lifecycle, errors) ?? config.lifecycle
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config }
}
