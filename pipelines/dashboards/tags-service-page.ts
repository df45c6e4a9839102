// The Tags and service page: persons per tag by layer, tag changes per day, complaint SLA
// compliance by severity, NPS over time and the health-score distribution.
import * as Plot from '@observablehq/plot'
import { complianceBySeverity } from '../../models/dashboards/sla-compliance.ts'
import { chartOutput, type ChartOutput } from './chart-section.ts'
import { COMPLAINTS_LIMIT } from './dashboard-source.ts'
import { num, type PageContext } from './page-context.ts'
import { countTicks, dayDate, dayInset, figure, labelMargin } from './plot-svg.ts'

/** More bars than this would not read on a phone: the rest stay in the CSV. */
const MAX_TAG_BARS = 40

export async function tagsServiceCharts(ctx: PageContext): Promise<ChartOutput[]> {
  const range = { from: ctx.from, to: ctx.to }
  const [held, changes, complaints, nps, health] = await Promise.all([
    ctx.source.heldTags(),
    ctx.source.rows('dashboard_tag_changes_per_day', range),
    ctx.source.complaints({ ...range, limit: COMPLAINTS_LIMIT }),
    ctx.source.nps({ ...range, period: ctx.config.npsPeriod }),
    ctx.source.rows('dashboard_health_histogram', {}),
  ])
  const tags = held.map((t) => ({ layer: t.layer || 'unknown', tag: t.tag, persons: num(t.customers) })).sort((a, b) => a.layer.localeCompare(b.layer) || b.persons - a.persons || a.tag.localeCompare(b.tag))
  const shownTags = [...tags].sort((a, b) => b.persons - a.persons).slice(0, MAX_TAG_BARS).sort((a, b) => a.layer.localeCompare(b.layer) || b.persons - a.persons || a.tag.localeCompare(b.tag))
  const tagLabel = (t: { tag: string }) => t.tag
  const changeRows = changes.map((r) => ({ day: String(r.day), change: String(r.change), changes: num(r.changes) }))
  const sla = complianceBySeverity(complaints)
  const npsRows = nps.map((p) => ({ period_start: String(p.period_start), answers: p.answers, promoters: p.promoters, passives: p.passives, detractors: p.detractors, nps: p.nps }))
  const bands = health.map((r) => ({ health_from: num(r.health_from), persons: num(r.persons) }))
  const dayScale = { type: 'utc' as const, domain: [new Date(ctx.from), new Date(ctx.to)], label: 'day (UTC)' }
  return [
    chartOutput('tags_service', {
      id: 'persons-per-tag',
      title: 'Persons per tag, by layer',
      axes: 'x: persons holding the tag now (count) · y: tag, grouped by layer · colour: layer',
      reading: `Each bar counts the persons holding a tag now, grouped by layer${tags.length > MAX_TAG_BARS ? `; the ${MAX_TAG_BARS} most held of ${tags.length} tags are drawn, all are in the CSV` : ''}.`,
      plot: {
        height: 50 + 18 * Math.max(1, shownTags.length),
        marginLeft: labelMargin(shownTags.map(tagLabel)),
        marginRight: 40,
        x: { label: 'persons', grid: true, zero: true, ...countTicks(shownTags.map((t) => t.persons)) },
        y: { label: null, domain: shownTags.length ? shownTags.map(tagLabel) : ['(no tags held)'] },
        color: { type: 'ordinal', scheme: 'tableau10', legend: true },
        marks: [
          Plot.barX(shownTags, { x: 'persons', y: tagLabel, fill: 'layer', title: (t) => `${t.tag} (${t.layer}): ${t.persons} persons` }),
          Plot.text(shownTags, { x: 'persons', y: tagLabel, text: (t) => String(t.persons), textAnchor: 'start', dx: 4 }),
          Plot.ruleX([0]),
        ],
      },
      columns: ['layer', 'tag', 'persons'],
      rows: tags,
    }),
    chartOutput('tags_service', {
      id: 'tag-changes-per-day',
      title: 'Tag changes per day',
      axes: 'x: day (UTC) · y: tags added (up) and removed (down) per day',
      reading: 'Bars above the line count tags added that day, bars below tags removed; a spike follows a rule or threshold change.',
      plot: {
        x: dayScale,
        y: { label: 'tag changes (removed below 0)', grid: true },
        color: { domain: ['added', 'removed'], range: ['#3ca951', '#d0424f'] },
        marks: [
          Plot.rectY(changeRows, { x: (r) => dayDate(r.day), y: (r) => (r.change === 'removed' ? -r.changes : r.changes), interval: 'day', fill: 'change', inset: dayInset(ctx.from, ctx.to), title: (r) => `${r.day}: ${r.changes} ${r.change}` }),
          Plot.ruleY([0]),
        ],
      },
      columns: ['day', 'change', 'changes'],
      rows: changeRows,
    }),
    chartOutput('tags_service', {
      id: 'sla-compliance',
      title: 'Complaint SLA compliance by severity',
      axes: 'x: complaints filed in the range that did not breach their deadline (%) · y: severity',
      reading: 'Each bar is the share of complaints resolved (or still open) within their deadline; the rest breached it.',
      plot: {
        height: 60 + 30 * Math.max(1, sla.length),
        marginLeft: labelMargin(sla.map((s) => s.severity)),
        x: { label: 'within deadline (%)', domain: [0, 100], grid: true },
        y: { label: null, domain: sla.length ? sla.map((s) => s.severity) : ['(no complaints)'] },
        marks: [
          Plot.barX(sla, { x: 'compliance_pct', y: 'severity', fill: '#4269d0', title: (s) => `${s.severity}: ${s.compliance_pct}% of ${s.complaints} complaints within deadline, ${s.breached} breached` }),
          Plot.text(sla, { x: 'compliance_pct', y: 'severity', text: (s) => `${s.compliance_pct}% of ${s.complaints}`, textAnchor: 'end', dx: -4, fill: 'white' }),
          Plot.ruleX([0]),
        ],
      },
      columns: ['severity', 'complaints', 'resolved_in_time', 'open_in_time', 'breached', 'compliance_pct'],
      rows: sla.map((s) => ({ ...s })),
      note: complaints.length >= COMPLAINTS_LIMIT ? `Only the first ${COMPLAINTS_LIMIT} complaints of the range are counted: narrow the range.` : undefined,
    }),
    chartOutput('tags_service', {
      id: 'nps-over-time',
      title: `NPS per ${ctx.config.npsPeriod}`,
      axes: `x: ${ctx.config.npsPeriod} start (UTC${ctx.config.npsPeriod === 'week' ? ', weeks from Monday' : ''}) · y: NPS (% promoters − % detractors, −100 to 100)`,
      reading: 'Above 0 there are more promoters (9-10) than detractors (0-6); hover a point for its number of answers.',
      plot: {
        x: { type: 'utc', domain: [new Date(ctx.from), new Date(ctx.to)], label: `${ctx.config.npsPeriod} start` },
        y: { label: 'NPS', domain: [-100, 100], grid: true },
        marks: [
          Plot.ruleY([0]),
          Plot.lineY(npsRows, { x: (p) => dayDate(p.period_start), y: 'nps', stroke: '#4269d0' }),
          Plot.dot(npsRows, { x: (p) => dayDate(p.period_start), y: 'nps', fill: '#4269d0', r: 3, title: (p) => `${p.period_start}: NPS ${figure(p.nps)} from ${p.answers} answers` }),
        ],
      },
      columns: ['period_start', 'answers', 'promoters', 'passives', 'detractors', 'nps'],
      rows: npsRows,
    }),
    chartOutput('tags_service', {
      id: 'health-distribution',
      title: 'Health-score distribution',
      axes: 'x: health score of the latest profile (0 worst to 100 best, 10-point bands) · y: persons',
      reading: 'Each bar counts persons whose current health score falls in the band; a growing left side means customers are slipping.',
      plot: {
        x: { label: 'health score', domain: [0, 100] },
        y: { label: 'persons', grid: true, zero: true },
        marks: [
          Plot.rectY(bands, { x1: 'health_from', x2: (b) => b.health_from + 10, y: 'persons', fill: '#4269d0', inset: 0.5, title: (b) => `health ${b.health_from} to ${b.health_from === 90 ? 100 : b.health_from + 9}: ${b.persons} persons` }),
          Plot.ruleY([0]),
        ],
      },
      columns: ['health_from', 'persons'],
      rows: bands,
      note: bands.length ? undefined : 'No health scores yet (profiles are kept by the stream processor).',
    }),
  ]
}
