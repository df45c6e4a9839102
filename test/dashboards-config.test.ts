// The dashboards config file, the range of a run and the page builder's HTML, as pure functions:
// every unknown key or bad value is named, dates that do not exist are refused, and text from the
// data never becomes markup.
import { describe, expect, it } from 'vitest'
import { dashboardRange } from '../models/dashboards/dashboard-range.ts'
import { DASHBOARD_PAGES } from '../models/dashboards/dashboard-pages.ts'
import { DEFAULT_LIFECYCLE, DEFAULT_RETENTION } from '../models/dashboards/dashboard-retention.ts'
import { DEFAULT_DASHBOARDS_CONFIG, parseDashboardsConfig } from '../models/dashboards/dashboards-config.ts'
import { pageHtml } from '../models/dashboards/page-html.ts'
import { complianceBySeverity } from '../models/dashboards/sla-compliance.ts'

const DAY = 86_400_000

describe('dashboards config', () => {
  it('an empty object gives the defaults, and given keys replace them', () => {
    expect(parseDashboardsConfig({})).toEqual({ ok: true, config: DEFAULT_DASHBOARDS_CONFIG })
    const funnel = { name: ' Trial ', steps: [{ event: 'Signed Up' }, { event: 'Order Completed' }], window: '7d', breakdown: { property: 'channel' } }
    const parsed = parseDashboardsConfig({ title: ' Acme ', pages: ['tags_service', 'overview'], range_days: 7, nps_period: 'month', histogram_bins: 10, funnels: [funnel] })
    const { name: _n, ...body } = funnel
    expect(parsed).toEqual({ ok: true, config: { title: 'Acme', pages: ['tags_service', 'overview'], rangeDays: 7, npsPeriod: 'month', histogramBins: 10, funnels: [{ name: 'Trial', body }], retention: DEFAULT_RETENTION, lifecycle: DEFAULT_LIFECYCLE } })
  })

  it('a retention or lifecycle definition replaces the default whole, and one the API would refuse is refused naming its field', () => {
    const retention = { cohort_event: { event: 'Order Completed', filters: [{ property: 'coupon', op: 'is_set' }] }, period: 'month', periods: 6, retention_type: 'on_or_after' }
    const lifecycle = { event: 'Order Completed', period: 'day' }
    expect(parseDashboardsConfig({ pages: ['churn', 'retention'], retention, lifecycle })).toEqual({ ok: true, config: { ...DEFAULT_DASHBOARDS_CONFIG, pages: ['churn', 'retention'], retention, lifecycle } })
    const bad = parseDashboardsConfig({ retention: { cohort_event: { event: 'x' }, periods: 54 }, lifecycle: { event: 'x', period: 'quarter' } })
    expect(bad).toEqual({ ok: false, errors: ['retention.periods: expected a whole number from 1 to 53, got 54', expect.stringMatching(/^lifecycle\.period: /)] })
    expect(parseDashboardsConfig({ retention: { cohort_event: { event: 'x' }, from: '2026-01-01' }, lifecycle: [] })).toEqual({
      ok: false,
      errors: ["retention: takes no from / to: the page's range (--from, --to, range_days) applies", 'lifecycle: must be an object such as { "event": "Logged In", "period": "week" }'],
    })
    expect(parseDashboardsConfig({ retention: { cohort_event: { event: 'x' }, breakdown: { property: 'channel' } } })).toEqual({ ok: false, errors: ['retention.breakdown: the Retention page draws no breakdown: use POST /api/retention for one'] })
    expect(parseDashboardsConfig({ retention: { return_event: { event: 'x' } } })).toEqual({ ok: false, errors: [expect.stringMatching(/^retention\.cohort_event: missing/)] })
  })

  it('names every unknown key and every value out of range', () => {
    const funnels = [
      { name: 'a', steps: [{ event: 'x' }] },
      { name: 'b', steps: [{ event: 'x' }, { event: 'y' }], window: '3x' },
      { name: 'b', steps: [{ event: 'x' }, { event: 'y' }], from: '2026-01-01' },
      { steps: [{ event: 'x' }, { event: 'y' }] },
    ]
    const parsed = parseDashboardsConfig({ titel: 'x', pages: ['overview', 'retentions', 'overview'], range_days: 0, nps_period: 'quarter', histogram_bins: 2.5, funnels })
    expect(parsed.ok).toBe(false)
    const errors = parsed.ok ? [] : parsed.errors
    expect(errors).toEqual([
      'titel: unknown key; allowed: title, pages, range_days, nps_period, histogram_bins, funnels, retention, lifecycle',
      `pages[1]: unknown page "retentions"; pages: ${Object.keys(DASHBOARD_PAGES).join(', ')}`,
      'pages: lists a page twice',
      'range_days: must be a whole number from 1 to 36500 (got 0)',
      'nps_period: must be day, week, month (got "quarter")',
      'histogram_bins: must be a whole number from 2 to 200 (got 2.5)',
      expect.stringMatching(/^funnels\[0\]\.steps: expected a list of 2 to 20 steps/),
      expect.stringMatching(/^funnels\[1\]\.window: /),
      'funnels[2].name: "b" is used by an earlier funnel',
      "funnels[2]: takes no from / to: the page's range (--from, --to, range_days) applies",
      'funnels[3].name: must be a non-empty string of at most 100 characters',
    ])
    expect(parseDashboardsConfig([])).toEqual({ ok: false, errors: ['the dashboards config must be a JSON object with some of title, pages, range_days, nps_period, histogram_bins, funnels, retention, lifecycle'] })
  })
})

describe('dashboard range', () => {
  const now = Date.parse('2026-11-30T12:00:00Z')
  it('defaults to range_days before now; dates are their 00:00 UTC, times need a zone', () => {
    expect(dashboardRange({}, now, 30)).toEqual({ ok: true, from: now - 30 * DAY, to: now })
    expect(dashboardRange({ from: '2026-11-01', to: '2026-11-02T06:00:00+02:00' }, now, 30)).toEqual({ ok: true, from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-11-02T04:00:00Z') })
  })

  it('refuses a day that does not exist, a time without a zone and an empty range', () => {
    expect(dashboardRange({ from: '2026-02-30' }, now, 30)).toMatchObject({ ok: false, error: expect.stringContaining('--from "2026-02-30"') })
    expect(dashboardRange({ to: '2026-11-02T06:00:00' }, now, 30)).toMatchObject({ ok: false, error: expect.stringContaining('--to "2026-11-02T06:00:00"') })
    expect(dashboardRange({ from: '2026-11-02', to: '2026-11-02' }, now, 30)).toMatchObject({ ok: false, error: expect.stringContaining('must be before --to') })
  })
})

describe('page HTML', () => {
  it('escapes text from the data and the config, and holds no script', () => {
    const html = pageHtml({
      info: DASHBOARD_PAGES.overview,
      facts: { siteTitle: '<b>Acme</b>', from: '2026-11-01T00:00:00Z', to: '2026-11-30T00:00:00Z', generatedAt: '2026-11-30T00:00:00Z', freshness: 'newest event now', modelVersions: [] },
      sections: [{ id: 'chart', title: 'tag "<script>alert(1)</script>"', axes: 'x · y', reading: 'read', svg: '<svg></svg>', csvFile: 'data/a&b.csv', table: { columns: ['k'], rows: [['<img src=x>']] } }],
      nav: [DASHBOARD_PAGES.overview],
    })
    expect(html).not.toMatch(/<script|<img|<b>/)
    expect(html).toContain('tag &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;')
    expect(html).toContain('href="data/a&amp;b.csv"')
    expect(html).toContain('&lt;b&gt;Acme&lt;/b&gt;')
  })
})

describe('SLA compliance', () => {
  it('counts each complaint once per severity, read as the deadline rule reads it', () => {
    const rows = complianceBySeverity([
      { severity: 'Major ', breached: true, resolved_at: null },
      { severity: 'major', breached: false, resolved_at: '2026-11-01T01:00:00Z' },
      { severity: 'major', breached: false, resolved_at: null },
      { severity: '', breached: false, resolved_at: '2026-11-01T01:00:00Z' },
    ])
    expect(rows).toEqual([
      { severity: 'major', complaints: 3, resolved_in_time: 1, open_in_time: 1, breached: 1, compliance_pct: 66.7 },
      { severity: 'unspecified', complaints: 1, resolved_in_time: 1, open_in_time: 0, breached: 0, compliance_pct: 100 },
    ])
  })
})
