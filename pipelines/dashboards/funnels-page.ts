// The Funnels page: for each funnel of the dashboards config, over the page's range, the persons
// per step with the drop-off from the previous step shaded, the conversion from the start and from
// the previous step, the largest drop-off said in words, and with a breakdown, the conversion from
// the start per value as small multiples. The figures are POST /api/funnels' answer.
import * as Plot from '@observablehq/plot'
import type { FunnelAnswer, FunnelStepResult } from '../../models/analytics/funnel-answer.ts'
import type { DashboardFunnel } from '../../models/dashboards/dashboard-funnels.ts'
import { chartOutput, type ChartOutput } from './chart-section.ts'
import type { PageContext } from './page-context.ts'
import { countTicks, figure, labelMargin } from './plot-svg.ts'

/** Breakdown values drawn (most entering first); the rest stay in the CSV. */
const MAX_BREAKDOWN_VALUES = 6

const percent = (share: number) => `${figure(100 * share)}%`
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
      rows: answer.steps.map((s, k) => [labels[k], String(s.persons), percent(s.conversion_from_previous), String(s.drop_off), s.median_seconds_from_previous === null ? '' : `${figure(s.median_seconds_from_previous / 60)} min`]),
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

export async function funnelsCharts(ctx: PageContext): Promise<ChartOutput[]> {
  const range = { from: new Date(ctx.from).toISOString(), to: new Date(ctx.to).toISOString() }
  const answers = await Promise.all(ctx.config.funnels.map((f) => ctx.source.funnel({ ...f.body, ...range })))
  return ctx.config.funnels.flatMap((funnel, i) => {
    const id = `funnel-${i + 1}`
    const answer = answers[i]
    const property = (funnel.body.breakdown as { property?: string } | undefined)?.property
    return property ? [stepsChart(id, funnel, answer), breakdownChart(id, funnel, answer, property)] : [stepsChart(id, funnel, answer)]
  })
}
