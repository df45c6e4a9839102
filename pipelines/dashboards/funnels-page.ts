// The Funnels page: for each funnel of the dashboards config, over the page's range, the persons
// per step with the drop-off from the previous step shaded, the conversion from the start and from
// the previous step, the largest drop-off said in words, the time-to-convert histogram with its
// median, conversion over time by entry day or week with the incomplete periods marked, and with a
// breakdown, the conversion from the start per value as small multiples. The figures are
// POST /api/funnels' answer.
import * as Plot from '@observablehq/plot'
import type { ConversionOverTime } from '../../models/analytics/conversion-over-time.ts'
import type { ConversionTimeHistogram } from '../../models/analytics/conversion-time-histogram.ts'
import type { FunnelAnswer, FunnelStepResult } from '../../models/analytics/funnel-answer.ts'
import type { DashboardFunnel } from '../../models/dashboards/dashboard-funnels.ts'
import { chartOutput, type ChartOutput } from './chart-section.ts'
import type { PageContext } from './page-context.ts'
import { countTicks, figure, labelMargin } from './plot-svg.ts'

/** Breakdown values drawn (most entering first); the rest stay in the CSV. */
const MAX_BREAKDOWN_VALUES = 6

const percent = (share: number) => `${figure(100 * share)}%`

/** A time in the unit that reads best: minutes up to two hours, hours up to two days, then days. */
function duration(seconds: number): string {
  if (seconds < 2 * 3600) return `${figure(seconds / 60)} min`
  if (seconds < 2 * 86_400) return `${figure(seconds / 3600)} h`
  return `${figure(seconds / 86_400)} days`
}
const stepLabel = (s: FunnelStepResult, k: number) => `${k + 1}. ${s.event}`

/** The step whose conversion from the previous one is lowest, in words. */
export function largestDropOff(steps: readonly FunnelStepResult[]): string {
  if (steps.length === 0 || steps[0].persons === 0) return 'Nobody entered this funnel in the range.'
  let worst = 1
  for (let k = 2; k < steps.length; k++) if (steps[k].conversion_from_previous < steps[worst].conversion_from_previous) worst = k
  const from = steps[worst - 1]
  const into = steps[worst]
  if (into.drop_off === 0) return `Everyone who entered reached "${steps.at(-1)!.event}": no drop-off.`
  return `The largest drop-off is into "${into.event}": ${percent(1 - into.conversion_from_previous)} of the ${from.persons} persons who reached "${from.event}" (${into.drop_off}) stopped there.`
}

function stepsChart(id: string, funnel: DashboardFunnel, answer: FunnelAnswer): ChartOutput {
  const labels = answer.steps.map(stepLabel)
  const parts = answer.steps.flatMap((s, k) => [
    { step: labels[k], part: 'reached', persons: s.persons, title: `${labels[k]}: ${s.persons} persons, ${percent(s.conversion_from_start)} of the start, ${percent(s.conversion_from_previous)} of the previous step` },
    { step: labels[k], part: 'dropped since the previous step', persons: s.drop_off, title: `${labels[k]}: ${s.drop_off} dropped since the previous step` },
  ])
  return chartOutput('funnels', {
    id: `${id}-steps`,
    title: `${funnel.name}: persons per step`,
    axes: 'x: persons (count) · y: step, in order · dark: reached the step · light: reached the previous step, not this one · label: share of the start · median time: from the previous step',
    reading: largestDropOff(answer.steps),
    plot: {
      height: 50 + 28 * labels.length,
      marginLeft: labelMargin(labels),
      marginRight: 56,
      x: { label: 'persons', grid: true, zero: true, ...countTicks(answer.steps.map((s) => s.persons)) },
      y: { label: null, domain: labels },
      color: { domain: ['reached', 'dropped since the previous step'], range: ['#4269d0', '#c6d2f2'], legend: true },
      marks: [
        Plot.barX(parts, { x: 'persons', y: 'step', fill: 'part', title: 'title' }),
        Plot.text(answer.steps, { x: (s: FunnelStepResult) => s.persons + s.drop_off, y: (_s: FunnelStepResult, k: number) => labels[k], text: (s: FunnelStepResult) => percent(s.conversion_from_start), textAnchor: 'start', dx: 4 }),
        Plot.ruleX([0]),
      ],
    },
    columns: ['step', 'event', 'persons', 'conversion_from_start', 'conversion_from_previous', 'drop_off', 'median_seconds_from_previous', 'mean_seconds_from_previous', 'p90_seconds_from_previous'],
    rows: answer.steps.map((s, k) => ({ step: k + 1, ...s })),
    note: answer.incomplete ? 'Entries near the end of the range may still convert: their window has not closed yet.' : undefined,
    table: {
      columns: ['step', 'persons', 'of previous', 'dropped', 'median time'],
      rows: answer.steps.map((s, k) => [labels[k], String(s.persons), percent(s.conversion_from_previous), String(s.drop_off), s.median_seconds_from_previous === null ? '' : duration(s.median_seconds_from_previous)]),
    },
  })
}

function breakdownChart(id: string, funnel: DashboardFunnel, answer: FunnelAnswer, property: string): ChartOutput {
  const labels = answer.steps.map(stepLabel)
  const valueName = (v: string | null) => v ?? '(not set)'
  const shown = answer.breakdown.slice(0, MAX_BREAKDOWN_VALUES)
  const rows = answer.breakdown.flatMap((b) => b.steps.map((s, k) => ({ value: valueName(b.value), step: k + 1, event: s.event, persons: s.persons, conversion_from_start: s.conversion_from_start })))
  const drawn = shown.flatMap((b) => b.steps.map((s, k) => ({ value: valueName(b.value), step: labels[k], share: s.conversion_from_start, title: `${property} = ${valueName(b.value)}, ${labels[k]}: ${s.persons} persons, ${percent(s.conversion_from_start)} of its start` })))
  return chartOutput('funnels', {
    id: `${id}-breakdown`,
    title: `${funnel.name}: conversion from the start by ${property}`,
    axes: `x: share of the persons who entered (%) · y: step · one panel per ${property} value`,
    reading: `Each panel is the funnel of the persons whose ${property} was that value; a bar shorter than in the other panels marks where that group drops out${answer.breakdown.length > MAX_BREAKDOWN_VALUES ? `; the ${MAX_BREAKDOWN_VALUES} values with the most entries are drawn, all are in the CSV` : ''}.`,
    plot: {
      height: 40 + shown.length * (20 + 18 * labels.length),
      marginLeft: labelMargin(labels),
      marginRight: 48,
      x: { label: 'of the start (%)', domain: [0, 100], grid: true, percent: true },
      y: { label: null, domain: labels },
      fy: { label: null, domain: shown.map((b) => valueName(b.value)) },
      marks: [
        Plot.barX(drawn, { x: 'share', y: 'step', fy: 'value', fill: '#4269d0', title: 'title' }),
        Plot.text(drawn, { x: 'share', y: 'step', fy: 'value', text: (d: { share: number }) => percent(d.share), textAnchor: 'start', dx: 4 }),
        Plot.ruleX([0]),
      ],
    },
    columns: ['value', 'step', 'event', 'persons', 'conversion_from_start'],
    rows,
  })
}

/** A unit that keeps the longest time readable. */
function timeUnit(maxSeconds: number): { seconds: number; name: string } {
  if (maxSeconds < 2 * 3600) return { seconds: 60, name: 'minutes' }
  if (maxSeconds < 3 * 86_400) return { seconds: 3600, name: 'hours' }
  return { seconds: 86_400, name: 'days' }
}

function histogramChart(id: string, funnel: DashboardFunnel, answer: FunnelAnswer, histogram: ConversionTimeHistogram): ChartOutput {
  const from = answer.steps[histogram.from_step]?.event
  const to = answer.steps[histogram.to_step]?.event
  const unit = timeUnit(Math.max(0, ...histogram.bins.map((b) => b.upper_seconds)))
  const inUnit = (s: number) => s / unit.seconds
  const median = histogram.median_seconds
  return chartOutput('funnels', {
    id: `${id}-time-to-convert`,
    title: `${funnel.name}: time to convert, "${from}" to "${to}"`,
    axes: `x: time from "${from}" to "${to}" (${unit.name}) · y: persons who converted (count) · line: the median`,
    reading: median === null ? 'Nobody converted in this range.' : `Half of the ${histogram.persons} persons who converted took at most ${figure(inUnit(median))} ${unit.name}; a long tail to the right is persons who came back later.`,
    plot: {
      x: { label: `time to convert (${unit.name})`, grid: true },
      y: { label: 'persons', grid: true, zero: true, ...countTicks(histogram.bins.map((b) => b.persons)) },
      marks: [
        Plot.rectY(histogram.bins, {
          x1: (b: { lower_seconds: number }) => inUnit(b.lower_seconds),
          x2: (b: { lower_seconds: number; upper_seconds: number }) => inUnit(Math.max(b.upper_seconds, b.lower_seconds + unit.seconds / 100)),
          y: 'persons',
          fill: '#4269d0',
          insetLeft: 0.5,
          title: (b: { lower_seconds: number; upper_seconds: number; persons: number }) => `${figure(inUnit(b.lower_seconds))} to ${figure(inUnit(b.upper_seconds))} ${unit.name}: ${b.persons} persons`,
        }),
        ...(median === null ? [] : [Plot.ruleX([inUnit(median)], { stroke: '#d0424f', strokeWidth: 2, title: () => `median: ${figure(inUnit(median))} ${unit.name}` })]),
        Plot.ruleY([0]),
      ],
    },
    columns: ['lower_seconds', 'upper_seconds', 'persons'],
    rows: histogram.bins.map((b) => ({ ...b })),
  })
}

function overTimeChart(id: string, funnel: DashboardFunnel, answer: FunnelAnswer, overTime: ConversionOverTime): ChartOutput {
  const last = answer.steps.at(-1)?.event
  // A period nobody entered has no conversion to draw (the CSV keeps it, with 0).
  const rows = overTime.periods.filter((p) => p.entered > 0).map((p) => ({ ...p, start: new Date(p.period_start), state: p.incomplete ? 'incomplete' : 'complete' }))
  const open = rows.filter((r) => r.incomplete).length
  return chartOutput('funnels', {
    id: `${id}-over-time`,
    title: `${funnel.name}: conversion by entry ${overTime.interval}`,
    axes: `x: ${overTime.interval} of entry (UTC${overTime.interval === 'week' ? ', from Monday' : ''}) · y: share of the persons entering that ${overTime.interval} who reached "${last}" (%) · hollow: incomplete`,
    reading: `Each point is the persons who entered that ${overTime.interval} and reached the last step, as a share of those who entered (${overTime.interval}s nobody entered have no point); hollow points are ${overTime.interval}s whose windows are still open, so their share can still rise.`,
    plot: {
      x: { type: 'utc', label: `${overTime.interval} of entry (UTC)` },
      y: { label: 'converted (%)', domain: [0, 100], grid: true, percent: true },
      color: { domain: ['complete', 'incomplete'], range: ['#4269d0', 'white'] },
      marks: [
        Plot.line(rows, { x: 'start', y: 'conversion', stroke: '#4269d0' }),
        Plot.dot(rows, {
          x: 'start',
          y: 'conversion',
          r: 3.5,
          stroke: '#4269d0',
          fill: 'state',
          title: (r: { period_start: string; entered: number; converted: number; conversion: number; incomplete: boolean }) =>
            `${r.period_start.slice(0, 10)}: ${r.converted} of ${r.entered} entering converted (${percent(r.conversion)})${r.incomplete ? ', incomplete' : ''}`,
        }),
      ],
    },
    columns: ['period_start', 'entered', 'converted', 'conversion', 'incomplete'],
    rows: overTime.periods.map((p) => ({ ...p })),
    note: open > 0 ? `${open} ${overTime.interval}${open === 1 ? '' : 's'} at the end still incomplete (hollow).` : undefined,
  })
}

/** Entry days for a range of up to two months, else weeks (the API answers at most 1000 periods). */
function intervalFor(fromMs: number, toMs: number): 'day' | 'week' | null {
  const days = (toMs - fromMs) / 86_400_000
  return days <= 62 ? 'day' : days / 7 <= 999 ? 'week' : null
}

export async function funnelsCharts(ctx: PageContext): Promise<ChartOutput[]> {
  const range = { from: new Date(ctx.from).toISOString(), to: new Date(ctx.to).toISOString() }
  const interval = intervalFor(ctx.from, ctx.to)
  // A funnel of the config may set its own histogram or interval; otherwise the page asks for them.
  const bodies = ctx.config.funnels.map((f) => ({ histogram: { bins: ctx.config.histogramBins }, ...(interval ? { interval } : {}), ...f.body, ...range }))
  const answers = await Promise.all(bodies.map((body) => ctx.source.funnel(body)))
  return ctx.config.funnels.flatMap((funnel, i) => {
    const id = `funnel-${i + 1}`
    const answer = answers[i]
    const property = (funnel.body.breakdown as { property?: string } | undefined)?.property
    return [
      stepsChart(id, funnel, answer),
      ...(answer.histogram ? [histogramChart(id, funnel, answer, answer.histogram)] : []),
      ...(answer.over_time ? [overTimeChart(id, funnel, answer, answer.over_time)] : []),
      ...(property ? [breakdownChart(id, funnel, answer, property)] : []),
    ]
  })
}
