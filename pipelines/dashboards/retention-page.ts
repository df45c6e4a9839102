// The Retention page, over the page's range: the cohort triangle (each cohort's rates coloured on
// its own row's scale, cells still open marked), the retention curves (each cohort's and the mean
// over the closed cells) and the lifecycle bars. The figures are POST /api/retention's and POST
// /api/lifecycle's answers for the config's definitions (README, "Retention", "Lifecycle").
import * as Plot from '@observablehq/plot'
import { addPeriods } from '../../models/analytics/calendar-period.ts'
import type { LifecycleAnswer } from '../../models/analytics/lifecycle-answer.ts'
import type { RetentionAnswer } from '../../models/analytics/retention-answer.ts'
import { chartOutput, type ChartOutput } from './chart-section.ts'
import type { PageContext } from './page-context.ts'
import { countTicks, dayDate, figure, labelMargin } from './plot-svg.ts'

const percent = (share: number) => `${figure(100 * share)}%`
const dayOf = (iso: string) => iso.slice(0, 10)
const eventOf = (match: unknown) => String((match as { event?: unknown } | undefined)?.event ?? '')

/** The cells of the triangle: those whose period has begun by now (later ones are not drawn). */
function triangleCells(answer: RetentionAnswer, now: number) {
  return answer.cohorts.flatMap((c) => {
    const start = Date.parse(c.period_start)
    const top = Math.max(0, ...c.cells.map((x) => x.rate))
    return c.cells
      .filter((x) => c.size > 0 && addPeriods(start, x.offset, answer.period) <= now)
      .map((x) => ({ cohort: dayOf(c.period_start), offset: x.offset, persons: x.persons, size: c.size, rate: x.rate, scaled: top === 0 ? 0 : x.rate / top, incomplete: x.incomplete }))
  })
}

function triangleChart(ctx: PageContext, answer: RetentionAnswer, names: { cohort: string; back: string }): ChartOutput {
  const unit = answer.period
  const cells = triangleCells(answer, ctx.now)
  // Cohorts that begin after now cannot hold anyone yet: left out of the drawing, kept in the CSV.
  const cohorts = answer.cohorts.filter((c) => Date.parse(c.period_start) <= ctx.now).map((c) => dayOf(c.period_start))
  const offsets = answer.cohorts[0]?.cells.map((x) => x.offset) ?? [0]
  const label = (x: (typeof cells)[number]) => `${unit} of ${x.cohort}, ${unit} ${x.offset}: ${x.persons} of ${x.size} persons (${percent(x.rate)})${x.incomplete ? ', still open' : ''}`
  return chartOutput('retention', {
    id: 'cohort-triangle',
    title: `Retention by cohort: "${names.cohort}", then "${names.back}"`,
    axes: `x: ${unit}s since the cohort's ${unit} (0 = the same ${unit}) · y: cohort (${unit} of "${names.cohort}", UTC${unit === 'week' ? ', from Monday' : ''}) · colour: share retained, on each row's own scale · label: share retained · dashed: still open`,
    reading: `Read a row left to right: the share of that ${unit}'s cohort who did "${names.back}" in each later ${unit}; colours compare cells within a row, and dashed cells may still grow.`,
    plot: {
      height: 60 + 16 * Math.max(1, cohorts.length),
      marginLeft: labelMargin(cohorts.length ? cohorts : ['2026-01-01']),
      marginBottom: 36,
      x: { label: `${unit}s since the cohort's`, type: 'band', domain: offsets, axis: 'top' },
      y: { label: null, type: 'band', domain: cohorts.length ? cohorts : ['(no cohorts)'] },
      color: { type: 'linear', domain: [0, 1], scheme: 'blues' },
      marks: [
        Plot.cell(cells, { x: 'offset', y: 'cohort', fill: 'scaled', inset: 0.5, title: label }),
        Plot.cell(cells.filter((x) => x.incomplete), { x: 'offset', y: 'cohort', fill: 'none', stroke: '#d0424f', strokeDasharray: '3,2', inset: 1.5 }),
        Plot.text(cells, { x: 'offset', y: 'cohort', text: (x) => String(Math.round(100 * x.rate)), fontSize: 9, fill: (x) => (x.scaled > 0.6 ? 'white' : 'black') }),
      ],
    },
    columns: ['cohort_start', 'size', 'offset', 'persons', 'rate', 'incomplete'],
    rows: answer.cohorts.flatMap((c) => c.cells.map((x) => ({ cohort_start: c.period_start, size: c.size, offset: x.offset, persons: x.persons, rate: x.rate, incomplete: x.incomplete }))),
    note: answer.cohorts.every((c) => c.size === 0) ? `Nobody did "${names.cohort}" for the first time in the range.` : undefined,
  })
}

/** Per offset, over the cohorts whose cell has closed: persons retained over the cohorts' sizes. */
function meanCurve(answer: RetentionAnswer) {
  const offsets = answer.cohorts[0]?.cells.length ?? 0
  return Array.from({ length: offsets }, (_, k) => {
    const closed = answer.cohorts.filter((c) => c.size > 0 && !c.cells[k].incomplete)
    const persons = closed.reduce((s, c) => s + c.cells[k].persons, 0)
    const size = closed.reduce((s, c) => s + c.size, 0)
    return { offset: k, cohorts: closed.length, persons, size, rate: size === 0 ? null : persons / size }
  }).filter((m): m is typeof m & { rate: number } => m.rate !== null)
}

function curvesChart(ctx: PageContext, answer: RetentionAnswer, names: { cohort: string; back: string }): ChartOutput {
  const unit = answer.period
  const mean = meanCurve(answer)
  const lines = triangleCells(answer, ctx.now).filter((x) => !x.incomplete)
  return chartOutput('retention', {
    id: 'retention-curves',
    title: `Retention curves: "${names.back}" by ${unit}s since "${names.cohort}"`,
    axes: `x: ${unit}s since the cohort's ${unit} · y: share of the cohort retained (%) · grey: one line per cohort · dark: the mean, weighted by cohort size`,
    reading: 'The dark line is the share retained after each period over every cohort whose period has closed; grey lines above it are cohorts that held on better.',
    plot: {
      x: { label: `${unit}s since the cohort's`, ticks: Math.min(12, Math.max(1, mean.length)), tickFormat: 'd' },
      y: { label: 'retained (%)', domain: [0, 100], grid: true },
      marks: [
        Plot.line(lines, { x: 'offset', y: (x) => 100 * x.rate, z: 'cohort', stroke: '#b8bfcc', strokeWidth: 1 }),
        Plot.line(mean, { x: 'offset', y: (m) => 100 * m.rate, stroke: '#1d2430', strokeWidth: 2.5 }),
        Plot.dot(mean, { x: 'offset', y: (m) => 100 * m.rate, fill: '#1d2430', r: 3, title: (m) => `${unit} ${m.offset}: ${percent(m.rate)} retained, ${m.persons} of ${m.size} persons in ${m.cohorts} cohorts` }),
      ],
    },
    columns: ['offset', 'cohorts', 'persons', 'size', 'rate'],
    rows: mean,
  })
}

const STATUSES = ['new', 'returning', 'resurrecting', 'dormant'] as const

function lifecycleChart(ctx: PageContext, answer: LifecycleAnswer, event: string): ChartOutput {
  const unit = answer.period
  const bars = answer.periods.flatMap((p) => STATUSES.map((status) => ({ period: dayOf(p.period_start), status, persons: p[status], incomplete: p.incomplete }))).filter((b) => b.persons !== 0)
  const starts = answer.periods.map((p) => dayDate(dayOf(p.period_start)))
  const end = answer.periods.length ? addPeriods(Date.parse(answer.periods.at(-1)!.period_start), 1, unit) : ctx.to
  const open = answer.periods.filter((p) => p.incomplete)
  return chartOutput('retention', {
    id: 'lifecycle',
    title: `Lifecycle of "${event}" per ${unit}`,
    axes: `x: ${unit} (UTC${unit === 'week' ? ', from Monday' : ''}) · y: persons: new, returning and resurrecting above 0, dormant (did it the ${unit} before, not this one) below`,
    reading: `Bars above the line are the persons who did "${event}" that ${unit}, split by whether it was their first time, they also did it the ${unit} before, or they came back after a gap; below, those who stopped${open.length ? `; shaded ${unit}s are still open and may grow` : ''}.`,
    plot: {
      x: { type: 'utc', domain: [starts[0] ?? new Date(ctx.from), new Date(end)], label: unit },
      y: { label: 'persons (dormant below 0)', grid: true, ...countTicks(bars.map((b) => b.persons)) },
      color: { domain: [...STATUSES], range: ['#3ca951', '#4269d0', '#efb118', '#d0424f'], legend: true },
      marks: [
        // Without y, a rect spans the frame's height: the whole column of an open period is shaded.
        Plot.rect(open, { x1: (p) => dayDate(dayOf(p.period_start)), x2: (p) => new Date(addPeriods(Date.parse(p.period_start), 1, unit)), fill: '#eef0f4' }),
        Plot.rectY(bars, { x1: (b) => dayDate(b.period), x2: (b) => new Date(addPeriods(Date.parse(`${b.period}T00:00:00Z`), 1, unit)), y: 'persons', fill: 'status', fillOpacity: (b) => (b.incomplete ? 0.55 : 1), inset: 0.5, title: (b) => `${b.period}: ${Math.abs(b.persons)} ${b.status}${b.incomplete ? ' (still open)' : ''}` }),
        Plot.ruleY([0]),
      ],
    },
    columns: ['period_start', 'new', 'returning', 'resurrecting', 'dormant', 'incomplete'],
    rows: answer.periods.map((p) => ({ ...p })),
  })
}

export async function retentionCharts(ctx: PageContext): Promise<ChartOutput[]> {
  const range = { from: new Date(ctx.from).toISOString(), to: new Date(ctx.to).toISOString() }
  const [retention, lifecycle] = await Promise.all([ctx.source.retention({ ...ctx.config.retention, ...range }), ctx.source.lifecycle({ ...ctx.config.lifecycle, ...range })])
  const cohort = eventOf(ctx.config.retention.cohort_event)
  const names = { cohort, back: eventOf(ctx.config.retention.return_event) || cohort }
  return [triangleChart(ctx, retention, names), curvesChart(ctx, retention, names), lifecycleChart(ctx, lifecycle, String(ctx.config.lifecycle.event))]
}
