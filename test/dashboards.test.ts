// `pulse dashboards` on a known dataset: every figure the pages draw (the SVG marks' titles) and
// every CSV row matches what the HTTP API answers for the same data, through the API (--url) and
// straight from the stopped Pulse's data folder alike.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FunnelAnswer } from '../models/analytics/funnel-answer.ts'
import type { LifecycleAnswer } from '../models/analytics/lifecycle-answer.ts'
import type { RetentionAnswer } from '../models/analytics/retention-answer.ts'
import { DEFAULT_FUNNELS } from '../models/dashboards/dashboard-funnels.ts'
import { DEFAULT_LIFECYCLE, DEFAULT_RETENTION } from '../models/dashboards/dashboard-retention.ts'
import type { ChurnModelBody } from '../ingest/api/churn-model-routes.ts'
import { runDashboards } from '../pipelines/cli/dashboards-command.ts'
import type { WrittenDashboards } from '../pipelines/dashboards/write-dashboards.ts'
import type { PulseConfig } from '../pipelines/config.ts'
import { SIM_NOW_MS, SIM_START, SIM_START_MS, startPulseWithDataset, type DashboardDataset } from './helpers/dashboard-data.ts'
import { READ_KEY, sql, tempDir } from './helpers/test-pulse.ts'

let data: DashboardDataset
let config: PulseConfig
let viaApi: WrittenDashboards
const out = tempDir('dashboards-out')
const FROM = SIM_START
// Past the wall clock: dead letters, persons and tag changes carry the time Pulse received or
// processed them (the clock's now, or the system clock), which is after the simulated events.
const TO = new Date((Math.floor(Date.now() / 86_400_000) + 2) * 86_400_000).toISOString()
const api = { from: SIM_START_MS, to: Date.parse(TO) }

beforeAll(async () => {
  data = await startPulseWithDataset('dashboards', 300)
  config = data.pulse.config
  viaApi = await runDashboards({ url: data.pulse.url, out, from: FROM, to: TO }, config)
}, 180_000)

afterAll(async () => {
  await data?.pulse.stop()
})

type CsvRecord = Record<string, string>
const csv = (file: string): CsvRecord[] => parse(readFileSync(path.join(out, file), 'utf8'), { columns: true }) as CsvRecord[]
const page = (file: string) => readFileSync(path.join(out, file), 'utf8')

/** The hover titles of one chart's marks: the figures it draws. */
function titles(html: string, chartId: string): string[] {
  const start = html.indexOf(`<section id="${chartId}"`)
  expect(start, chartId).toBeGreaterThanOrEqual(0)
  const section = html.slice(start, html.indexOf('</section>', start))
  return [...section.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1].replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'"))
}

async function get<T>(route: string): Promise<T> {
  const res = await fetch(data.pulse.url + route, { headers: { authorization: `Bearer ${READ_KEY}` } })
  expect(res.status, route).toBe(200)
  return (await res.json()) as T
}

const rangeParams = { from: api.from, to: api.to }

async function post<T>(route: string, body: unknown): Promise<T> {
  const res = await fetch(data.pulse.url + route, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` }, body: JSON.stringify(body) })
  expect(res.status, route).toBe(200)
  return (await res.json()) as T
}

/** Asks the API about many customers, eight requests at a time. */
async function inBatches<T>(items: readonly T[], ask: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += 8) await Promise.all(items.slice(i, i + 8).map(ask))
}
const round2 = (n: number) => String(Math.round(n * 100) / 100)

describe('pulse dashboards against the API', () => {
  it('writes the index, the six pages and a CSV per chart', () => {
    expect(viaApi.pages.map((p) => p.file)).toEqual(['overview.html', 'funnels.html', 'retention.html', 'customer-value.html', 'churn.html', 'tags-and-service.html'])
    const index = page('index.html')
    for (const p of viaApi.pages) expect(index).toContain(`href="${p.file}"`)
    expect(readdirSync(path.join(out, 'data')).sort()).toEqual(viaApi.csvFiles.map((f) => path.basename(f)).sort())
    for (const p of viaApi.pages) {
      const html = page(p.file)
      expect(html).toContain(`${FROM}T00:00:00Z to ${TO.replace('.000Z', 'Z')}`)
      expect(html).toMatch(/newest event 2026-09-2\d \d\d:\d\d UTC, \d+ (minutes|hours) before now/)
      expect(html).toContain(String(data.fit.model_version))
      expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
    }
  })

  it('events and revenue per day are the stored events of each day', async () => {
    const rows = await sql<{ day: string; events: number; revenue: number }>(
      data.pulse.url,
      "SELECT toString(toDate(ts)) AS day, count() AS events, sumIf(ifNull(revenue, 0), event = 'Order Completed') AS revenue FROM events WHERE ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64}) GROUP BY day ORDER BY day",
      rangeParams,
    )
    expect(rows.length).toBeGreaterThan(100)
    expect(csv('data/overview-events-per-day.csv')).toEqual(rows.map((r) => ({ day: r.day, events: String(r.events) })))
    expect(csv('data/overview-revenue-per-day.csv')).toEqual(rows.map((r) => ({ day: r.day, revenue: round2(Number(r.revenue)) })))
    const html = page('overview.html')
    expect(titles(html, 'events-per-day')).toEqual(rows.map((r) => `${r.day}: ${r.events} events`))
    expect(titles(html, 'revenue-per-day')).toEqual(rows.map((r) => `${r.day}: ${round2(Number(r.revenue))} revenue`))
  })

  it('active persons per day count each person the customer API names once, and every person is new once', async () => {
    const keyed = await sql<{ day: string; id: string }>(
      data.pulse.url,
      "SELECT DISTINCT toString(toDate(ts)) AS day, if(user_id != '', user_id, if(anonymous_id != '', anonymous_id, distinct_id)) AS id FROM events WHERE ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})",
      rangeParams,
    )
    const personOf = new Map<string, string>()
    await inBatches([...new Set(keyed.map((k) => k.id))], async (id) => personOf.set(id, (await get<{ customer: { person_id: string } }>(`/api/customers/${encodeURIComponent(id)}`)).customer.person_id))
    const perDay = new Map<string, Set<string>>()
    for (const k of keyed) perDay.set(k.day, (perDay.get(k.day) ?? new Set()).add(personOf.get(k.id)!))
    const expected = [...perDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, persons]) => ({ day, active_persons: String(persons.size) }))
    expect(csv('data/overview-active-persons-per-day.csv')).toEqual(expected)
    expect(titles(page('overview.html'), 'active-persons-per-day')).toEqual(expected.map((r) => `${r.day}: ${r.active_persons} active persons`))
    const created = csv('data/overview-new-persons-per-day.csv').reduce((s, r) => s + Number(r.new_persons), 0)
    expect(created).toBe(new Set(personOf.values()).size)
  }, 180_000)

  it('dead letters by reason are the stored dead letters', async () => {
    const rows = await sql<{ reason: string; n: number }>(data.pulse.url, 'SELECT reason, count() AS n FROM dead_letters GROUP BY reason ORDER BY n DESC, reason')
    expect(rows.map((r) => r.reason)).toContain('missing_event_name')
    expect(csv('data/overview-dead-letters-by-reason.csv')).toEqual(rows.map((r) => ({ reason: r.reason, dead_letters: String(r.n) })))
    expect(titles(page('overview.html'), 'dead-letters-by-reason')).toEqual(rows.map((r) => `${r.reason}: ${r.n} dead letters`))
  })

  it('persons per tag are what GET /api/tags answers', async () => {
    const { tags } = await get<{ tags: Array<{ tag: string; layer: string; customers: number }> }>('/api/tags')
    expect(tags.length).toBeGreaterThan(5)
    const byTag = (a: { tag?: string }, b: { tag?: string }) => String(a.tag).localeCompare(String(b.tag))
    expect(csv('data/tags-service-persons-per-tag.csv').sort(byTag)).toEqual(tags.map((t) => ({ layer: t.layer, tag: t.tag, persons: String(t.customers) })).sort(byTag))
    const drawn = titles(page('tags-and-service.html'), 'persons-per-tag')
    for (const t of tags.filter((t) => drawn.some((d) => d.startsWith(`${t.tag} (`)))) expect(drawn).toContain(`${t.tag} (${t.layer}): ${t.customers} persons`)
    expect(drawn.length).toBe(Math.min(40, tags.length))
  })

  it('the funnel is what POST /api/funnels answers for the default funnel over the same range', async () => {
    const res = await fetch(data.pulse.url + '/api/funnels', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` },
      body: JSON.stringify({ ...DEFAULT_FUNNELS[0].body, from: FROM, to: TO }),
    })
    expect(res.status).toBe(200)
    const answer = (await res.json()) as FunnelAnswer
    expect(answer.steps[0].persons).toBeGreaterThan(answer.steps.at(-1)!.persons)
    const asText = (v: number | null) => (v === null ? '' : String(v))
    expect(csv('data/funnels-funnel-1-steps.csv')).toEqual(
      answer.steps.map((s, k) => ({
        step: String(k + 1), event: s.event, persons: String(s.persons), conversion_from_start: String(s.conversion_from_start), conversion_from_previous: String(s.conversion_from_previous),
        drop_off: String(s.drop_off), median_seconds_from_previous: asText(s.median_seconds_from_previous), mean_seconds_from_previous: asText(s.mean_seconds_from_previous), p90_seconds_from_previous: asText(s.p90_seconds_from_previous),
      })),
    )
    const pct = (share: number) => `${Math.round(10_000 * share) / 100}%`
    expect(titles(page('funnels.html'), 'funnel-1-steps')).toEqual(
      answer.steps.flatMap((s, k) => [
        `${k + 1}. ${s.event}: ${s.persons} persons, ${pct(s.conversion_from_start)} of the start, ${pct(s.conversion_from_previous)} of the previous step`,
        `${k + 1}. ${s.event}: ${s.drop_off} dropped since the previous step`,
      ]),
    )
    // The page asks for the histogram and the entry periods too (weeks over this range).
    const withExtras = (await (
      await fetch(data.pulse.url + '/api/funnels', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` },
        body: JSON.stringify({ ...DEFAULT_FUNNELS[0].body, histogram: { bins: 20 }, interval: 'week', from: FROM, to: TO }),
      })
    ).json()) as FunnelAnswer
    expect(withExtras.histogram!.persons).toBe(answer.steps.at(-1)!.persons)
    expect(csv('data/funnels-funnel-1-time-to-convert.csv')).toEqual(withExtras.histogram!.bins.map((b) => ({ lower_seconds: String(b.lower_seconds), upper_seconds: String(b.upper_seconds), persons: String(b.persons) })))
    expect(titles(page('funnels.html'), 'funnel-1-time-to-convert').filter((t) => !t.startsWith('median'))).toHaveLength(withExtras.histogram!.bins.length)
    expect(csv('data/funnels-funnel-1-over-time.csv')).toEqual(
      withExtras.over_time!.periods.map((p) => ({ period_start: p.period_start, entered: String(p.entered), converted: String(p.converted), conversion: String(p.conversion), incomplete: String(p.incomplete) })),
    )
    expect(titles(page('funnels.html'), 'funnel-1-over-time')).toEqual(
      withExtras.over_time!.periods.filter((p) => p.entered > 0).map((p) => `${p.period_start.slice(0, 10)}: ${p.converted} of ${p.entered} entering converted (${pct(p.conversion)})${p.incomplete ? ', incomplete' : ''}`),
    )
    const worst = answer.steps.slice(1).reduce((w, s) => (s.conversion_from_previous < w.conversion_from_previous ? s : w))
    expect(page('funnels.html')).toContain(`The largest drop-off is into &quot;${worst.event}&quot;`)
  })

  it('the cohort triangle, the curves and the lifecycle bars are what POST /api/retention and /api/lifecycle answer over the same range', async () => {
    const retention = await post<RetentionAnswer>('/api/retention', { ...DEFAULT_RETENTION, from: FROM, to: TO })
    const cells = retention.cohorts.flatMap((c) => c.cells.map((x) => ({ c, x })))
    expect(cells.some(({ x }) => x.offset > 0 && x.persons > 0)).toBe(true)
    expect(csv('data/retention-cohort-triangle.csv')).toEqual(cells.map(({ c, x }) => ({ cohort_start: c.period_start, size: String(c.size), offset: String(x.offset), persons: String(x.persons), rate: String(x.rate), incomplete: String(x.incomplete) })))
    // A cell is drawn once its week has begun (SIM_NOW is the Pulse's clock), marked while it is open.
    const WEEK = 7 * 86_400_000
    const drawn = cells.filter(({ c, x }) => c.size > 0 && Date.parse(c.period_start) + x.offset * WEEK <= SIM_NOW_MS)
    expect(drawn.some(({ x }) => x.incomplete)).toBe(true)
    const html = page('retention.html')
    expect(titles(html, 'cohort-triangle')).toEqual(drawn.map(({ c, x }) => `week of ${c.period_start.slice(0, 10)}, week ${x.offset}: ${x.persons} of ${c.size} persons (${round2(100 * x.rate)}%)${x.incomplete ? ', still open' : ''}`))
    const curve = csv('data/retention-retention-curves.csv')
    expect(curve.length).toBe(DEFAULT_RETENTION.periods)
    for (const m of curve) {
      const closed = retention.cohorts.filter((c) => c.size > 0 && !c.cells[Number(m.offset)].incomplete)
      expect(m).toEqual({ offset: m.offset, cohorts: String(closed.length), persons: String(closed.reduce((s, c) => s + c.cells[Number(m.offset)].persons, 0)), size: String(closed.reduce((s, c) => s + c.size, 0)), rate: String(Number(m.persons) / Number(m.size)) })
    }
    const lifecycle = await post<LifecycleAnswer>('/api/lifecycle', { ...DEFAULT_LIFECYCLE, from: FROM, to: TO })
    expect(lifecycle.periods.some((p) => p.returning > 0 && p.dormant < 0)).toBe(true)
    expect(csv('data/retention-lifecycle.csv')).toEqual(lifecycle.periods.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]))))
    const statuses = ['new', 'returning', 'resurrecting', 'dormant'] as const
    expect(titles(html, 'lifecycle')).toEqual(lifecycle.periods.flatMap((p) => statuses.filter((s) => p[s] !== 0).map((s) => `${p.period_start.slice(0, 10)}: ${Math.abs(p[s])} ${s}${p.incomplete ? ' (still open)' : ''}`)))
  })

  it('the churn page draws the card GET /api/models/churn answers, the stored scores by band and tier, and the stored churn warnings', async () => {
    const { churn_model: model } = await get<{ churn_model: ChurnModelBody }>('/api/models/churn')
    const quality = model.card.backtest?.model ?? model.card.inSample
    const deciles = quality.lift.map((d) => ({ decile: String(d.decile), customers: String(d.customers), churned: String(d.churned), rate: String(d.rate), lift: String(d.lift), cumulative_capture: String(d.cumulativeCapture) }))
    expect(csv('data/churn-lift.csv')).toEqual(deciles)
    expect(csv('data/churn-gains.csv')).toEqual(deciles)
    expect(quality.roc!.length).toBeGreaterThan(2)
    expect(csv('data/churn-roc.csv')).toEqual(quality.roc!.map((r) => ({ fpr: String(r.fpr), tpr: String(r.tpr) })))
    const asText = (v: number | null) => (v === null ? '' : String(v))
    expect(csv('data/churn-calibration.csv')).toEqual(quality.calibration.map((c) => ({ from: String(c.from), to: String(c.to), customers: String(c.customers), mean_predicted: asText(c.meanPredicted), observed_rate: asText(c.observedRate) })))
    const html = page('churn.html')
    expect(titles(html, 'lift')).toEqual(quality.lift.map((d) => `decile ${d.decile}: lift ${round2(d.lift)}, ${d.churned} of ${d.customers} churned (${round2(100 * d.rate)}%)`))
    expect(html).toContain(`churn model ${model.version}`)
    const scores = await sql<{ p: number; band: string; tier: string }>(data.pulse.url, 'SELECT churn_probability AS p, churn_band AS band, tier FROM current_customer_scores WHERE isNotNull(churn_probability)')
    expect(scores.length).toBe(model.card.scoring.customers)
    const bins = new Map<string, number>()
    for (const s of scores) {
      const bin = Math.min(19, Math.floor(Number(s.p) * 20))
      const key = `${round2(bin / 20)} to ${round2((bin + 1) / 20)} (${s.band})`
      bins.set(key, (bins.get(key) ?? 0) + 1)
    }
    const drawnBins = titles(html, 'score-distribution')
    expect(drawnBins.sort()).toEqual([...bins].map(([k, n]) => `${k}: ${n} customers`).sort())
    const tiers = new Map<string, number>()
    for (const s of scores) tiers.set(`${s.tier}, ${s.band}`, (tiers.get(`${s.tier}, ${s.band}`) ?? 0) + 1)
    expect(titles(html, 'risk-by-tier').map((t) => t.replace(/ risk: (\d+) customers, total CLV .*/, ': $1')).sort()).toEqual([...tiers].map(([k, n]) => `${k}: ${n}`).sort())
    const alerts = await sql<{ day: string; n: number }>(
      data.pulse.url,
      "SELECT toString(toDate(at)) AS day, count() AS n FROM (SELECT DISTINCT kind, person_id, at FROM alerts WHERE kind = 'churn' AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64})) GROUP BY day ORDER BY day",
      rangeParams,
    )
    expect(csv('data/churn-churn-alerts.csv')).toEqual(alerts.map((a) => ({ day: a.day, alerts: String(a.n) })))
    expect(alerts.length).toBeGreaterThan(0)
    const latest = await sql<{ person_id: string; a7: number; base: number }>(
      data.pulse.url,
      "SELECT DISTINCT at, person_id, JSONExtractFloat(reason, 'activity7d') AS a7, JSONExtractFloat(reason, 'activityBaselineWeekly') AS base FROM alerts WHERE kind = 'churn' AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64}) ORDER BY at DESC, person_id LIMIT 20",
      rangeParams,
    )
    const section = html.slice(html.indexOf('<section id="churn-alerts"'))
    const listed = [...section.slice(0, section.indexOf('</section>')).matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td>[^<]*<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => `${m[1]} ${m[2]}`)
    expect(listed).toEqual(latest.map((a) => `${a.person_id} ${round2(Number(a.a7))} / ${round2(Number(a.base))}`))
  })

  it('tag changes per day are the rows of tag_history', async () => {
    const rows = await sql<{ day: string; change: string; n: number }>(
      data.pulse.url,
      'SELECT toString(toDate(at)) AS day, change, count() AS n FROM tag_history WHERE at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64}) GROUP BY day, change ORDER BY day, change',
      rangeParams,
    )
    expect(rows.length).toBeGreaterThan(0)
    expect(csv('data/tags-service-tag-changes-per-day.csv')).toEqual(rows.map((r) => ({ day: r.day, change: r.change, changes: String(r.n) })))
  })

  it('NPS per week is what GET /api/service/nps answers, and SLA compliance counts its complaint records', async () => {
    const q = `from=${new Date(api.from).toISOString()}&to=${new Date(api.to).toISOString()}`
    const { nps } = await get<{ nps: Array<Record<string, number | string>> }>(`/api/service/nps?period=week&${q}`)
    expect(nps.length).toBeGreaterThan(5)
    expect(csv('data/tags-service-nps-over-time.csv')).toEqual(nps.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]))))
    expect(titles(page('tags-and-service.html'), 'nps-over-time')).toEqual(nps.map((p) => `${p.period_start}: NPS ${p.nps} from ${p.answers} answers`))
    const { complaints } = await get<{ complaints: Array<{ severity: string; breached: boolean; resolved_at: string | null }> }>(`/api/service/complaints?limit=100000&${q}`)
    expect(complaints.length).toBeGreaterThan(0)
    const sla = csv('data/tags-service-sla-compliance.csv')
    for (const row of sla) {
      const of = complaints.filter((c) => c.severity.trim().toLowerCase() === row.severity)
      expect(Number(row.complaints)).toBe(of.length)
      expect(Number(row.breached)).toBe(of.filter((c) => c.breached).length)
      expect(Number(row.open_in_time)).toBe(of.filter((c) => !c.breached && c.resolved_at === null).length)
      expect(Number(row.compliance_pct)).toBeCloseTo((100 * (of.length - Number(row.breached))) / of.length, 1)
    }
    expect(sla.reduce((s, r) => s + Number(r.complaints), 0)).toBe(complaints.length)
  })

  it('health bands count the latest health of every person', async () => {
    const persons = await sql<{ health: number | null }>(data.pulse.url, "SELECT health FROM person_profiles WHERE merged_into = ''")
    const bands = new Map<number, number>()
    for (const { health } of persons) {
      const band = health === null ? null : Math.min(90, Math.floor(Number(health) / 10) * 10)
      if (band !== null) bands.set(band, (bands.get(band) ?? 0) + 1)
    }
    const expected = [...bands].sort(([a], [b]) => a - b).map(([from, n]) => ({ health_from: String(from), persons: String(n) }))
    expect(expected.length).toBeGreaterThan(1)
    expect(csv('data/tags-service-health-distribution.csv')).toEqual(expected)
    expect(titles(page('tags-and-service.html'), 'health-distribution')).toEqual(expected.map((b) => `health ${b.health_from} to ${b.health_from === '90' ? 100 : Number(b.health_from) + 9}: ${b.persons} persons`))
  })

  it('the value page shows the refit\'s parameters, the current scores\' tiers, RFM cells and repeat-purchase groups', async () => {
    const params = csv('data/customer-value-fitted-parameters.csv')
    const bg = data.fit.bgnbd
    for (const p of ['r', 'alpha', 'a', 'b']) {
      expect(params.find((r) => r.model === 'BG/NBD' && r.parameter === p)).toEqual({ model: 'BG/NBD', parameter: p, value: String(bg[p]), se: bg.se[p] === null ? '' : String(bg.se[p]) })
    }
    const tiers = await sql<{ tier: string; n: number }>(data.pulse.url, 'SELECT tier, count() AS n FROM current_customer_scores GROUP BY tier ORDER BY n DESC, tier')
    expect(csv('data/customer-value-value-tiers.csv').map((r) => ({ tier: r.tier, n: Number(r.customers) }))).toEqual(tiers.map((t) => ({ tier: t.tier, n: Number(t.n) })))
    const cells = await sql<{ r: number; f: number; n: number }>(data.pulse.url, 'SELECT r_score AS r, f_score AS f, count() AS n FROM current_customer_scores GROUP BY r, f ORDER BY r, f')
    const html = page('customer-value.html')
    expect(titles(html, 'rfm-grid').map((t) => t.replace(/, mean CLV .*/, ''))).toEqual(cells.map((c) => `R ${c.r} F ${c.f}: ${c.n} customers`))
    const groups = await sql<{ g: number; n: number }>(data.pulse.url, 'SELECT least(toUInt32(frequency), 7) AS g, count() AS n FROM current_customer_scores GROUP BY g ORDER BY g')
    const calibration = csv('data/customer-value-bgnbd-calibration.csv')
    expect(calibration.map((c) => c.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+'])
    expect(calibration.map((c) => Number(c.observed))).toEqual(calibration.map((_, i) => Number(groups.find((g) => Number(g.g) === i)?.n ?? 0)))
    // The model's expected counts are a distribution over the same customers.
    expect(calibration.reduce((s, c) => s + Number(c.expected), 0)).toBeCloseTo(Number(data.fit.customers), 0)
    const clv = csv('data/customer-value-clv-distribution.csv')
    expect(clv.reduce((s, r) => s + Number(r.customers), 0)).toBe(Number(data.fit.customers))
  })

  it('the data folder, read after Pulse stopped, gives the same pages and CSV files', async () => {
    await data.pulse.stop()
    const again = tempDir('dashboards-embedded')
    const written = await runDashboards({ out: again, from: FROM, to: TO }, config)
    expect(written.csvFiles).toEqual(viaApi.csvFiles)
    for (const f of [...viaApi.csvFiles, ...viaApi.pages.map((p) => p.file), 'index.html']) expect(readFileSync(path.join(again, f), 'utf8'), f).toBe(readFileSync(path.join(out, f), 'utf8'))
    // A later run with fewer pages into the same folder leaves none of the earlier run's pages or CSV files.
    const configFile = path.join(tempDir('dashboards-fewer'), 'dashboards.json')
    writeFileSync(configFile, JSON.stringify({ pages: ['overview'] }))
    const fewer = await runDashboards({ out: again, from: FROM, to: TO, config: configFile }, config)
    expect(readdirSync(path.join(again, 'data')).sort()).toEqual(fewer.csvFiles.map((f) => path.basename(f)).sort())
    expect(readdirSync(again).filter((f) => f.endsWith('.html')).sort()).toEqual(['index.html', 'overview.html'])
  })
})
