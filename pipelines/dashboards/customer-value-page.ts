// The Customer value page, from the latest converged value fit: the RFM grid, the RFM-LTV tiers,
// the CLV distribution, the BG/NBD calibration chart and the fitted BG/NBD and Gamma-Gamma
// parameters with standard errors.
import * as Plot from '@observablehq/plot'
import { repeatPurchaseCalibration } from '../../models/dashboards/repeat-purchase-calibration.ts'
import { chartOutput, type ChartOutput } from './chart-section.ts'
import { num, type PageContext } from './page-context.ts'
import { countTicks, figure, labelMargin } from './plot-svg.ts'

export type ModelFit = Record<string, unknown>

export async function readLatestFit(ctx: PageContext): Promise<ModelFit | null> {
  const [fit] = await ctx.source.rows('latest_model_fit', {})
  return fit ?? null
}

/** The line stated at the top of every page about the value models. */
export function fitVersionLine(fit: ModelFit | null): string[] {
  if (!fit) return []
  return [`value models ${String(fit.model_version)}: fitted ${String(fit.fitted_at)} UTC on ${num(fit.customers)} customers' purchases up to ${String(fit.as_of)} UTC`]
}

interface Estimate {
  model: string
  parameter: string
  value: number
  se: number | null
}

function estimates(fit: ModelFit): Estimate[] {
  const opt = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  const bg: Estimate[] = (['r', 'alpha', 'a', 'b'] as const).map((p) => ({ model: 'BG/NBD', parameter: p, value: num(fit[p]), se: opt(fit[`se_${p}`]) }))
  const gg: Estimate[] = fit.gg_p === null || fit.gg_p === undefined ? [] : [
    { model: 'Gamma-Gamma', parameter: 'p', value: num(fit.gg_p), se: null },
    { model: 'Gamma-Gamma', parameter: 'q', value: num(fit.gg_q), se: null },
    { model: 'Gamma-Gamma', parameter: 'gamma', value: num(fit.gg_gamma), se: null },
  ]
  return [...bg, ...gg]
}

function parameterChart(fit: ModelFit | null): ChartOutput {
  const rows = fit ? estimates(fit) : []
  const label = (e: Estimate) => `${e.model} ${e.parameter}`
  // A log scale shows r (near 0.2) and alpha (tens) on one axis; an interval reaching zero or below is cut at 1% of the value.
  const intervals = rows.filter((e) => e.se !== null && e.value > 0).map((e) => ({ ...e, lo: Math.max(e.value - 1.96 * e.se!, e.value / 100), hi: e.value + 1.96 * e.se! }))
  const positive = rows.filter((e) => e.value > 0)
  return chartOutput('customer_value', {
    id: 'fitted-parameters',
    title: 'Fitted model parameters with 95% intervals',
    axes: 'x: parameter value (log scale; alpha in time units of --ltv-unit-days) · y: model and parameter',
    reading: 'Each dot is a fitted parameter, its line ±1.96 standard errors; a wide line means the data pin that parameter down poorly.',
    plot: {
      height: 60 + 26 * Math.max(1, rows.length),
      marginLeft: labelMargin(rows.map(label)),
      marginRight: 20,
      x: { type: 'log', label: 'value (log scale)', grid: true, tickFormat: '~g' },
      y: { label: null, domain: rows.length ? rows.map(label) : ['(no fit yet)'] },
      marks: [
        Plot.link(intervals, { x1: 'lo', x2: 'hi', y1: label, y2: label, stroke: '#4269d0', strokeWidth: 2, title: (e) => `${label(e)}: ${figure(e.value)} ± ${figure(1.96 * e.se!)} (SE ${figure(e.se!)})` }),
        Plot.dot(positive, { x: 'value', y: label, fill: '#1d2430', r: 4, title: (e) => `${label(e)}: ${figure(e.value)}${e.se === null ? '' : ` (SE ${figure(e.se)})`}` }),
      ],
    },
    columns: ['model', 'parameter', 'value', 'se'],
    rows: rows.map((e) => ({ model: e.model, parameter: e.parameter, value: e.value, se: e.se })),
    note: fit ? undefined : 'No converged value fit yet: run `pulse ltv refresh`.',
    table: fit ? {
      columns: ['model', 'parameter', 'value', 'SE'],
      rows: [...rows.map((e) => [e.model, e.parameter, e.value.toPrecision(5), e.se === null ? 'n/a' : e.se.toPrecision(3)]), ['BG/NBD', 'log-likelihood', num(fit.ll).toFixed(2), ''], ...(fit.gg_ll === null ? [] : [['Gamma-Gamma', 'log-likelihood', num(fit.gg_ll).toFixed(2), '']])],
    } : undefined,
  })
}

/** Repeat purchases from this many up form one group, as in the paper's figure. */
const TOP_REPEATS = 7

async function calibrationChart(ctx: PageContext, fit: ModelFit | null): Promise<ChartOutput> {
  const rows = fit ? await ctx.source.rows('dashboard_repeat_purchases_by_age', { top: TOP_REPEATS }) : []
  const groups = fit ? repeatPurchaseCalibration(rows.map((r) => ({ age: num(r.age), repeats: num(r.repeats), customers: num(r.customers) })), { r: num(fit.r), alpha: num(fit.alpha), a: num(fit.a), b: num(fit.b) }, TOP_REPEATS) : []
  return chartOutput('customer_value', {
    id: 'bgnbd-calibration',
    title: 'BG/NBD calibration: customers per number of repeat purchases',
    axes: `x: repeat purchases by the fit's as_of (periods of --ltv-unit-days; ${TOP_REPEATS}+ grouped) · y: customers`,
    reading: 'Bars are the customers observed with each number of repeat purchases, dots what the fitted model expects for customers of their ages; close dots mean a good fit.',
    plot: {
      x: { label: 'repeat purchases', type: 'band', domain: groups.length ? groups.map((g) => g.label) : ['0'] },
      y: { label: 'customers', grid: true, zero: true },
      marks: [
        Plot.barY(groups, { x: 'label', y: 'observed', fill: '#a3b8e8', title: (g) => `${g.label} repeat purchases: ${g.observed} customers observed, ${g.expected} expected` }),
        Plot.dot(groups, { x: 'label', y: 'expected', fill: '#1d2430', r: 4, title: (g) => `${g.label} repeat purchases: ${g.expected} customers expected by the model` }),
        Plot.ruleY([0]),
      ],
    },
    columns: ['repeats', 'label', 'observed', 'expected'],
    rows: groups.map((g) => ({ ...g })),
    note: fit ? undefined : 'No converged value fit yet: run `pulse ltv refresh`.',
  })
}

export async function customerValueCharts(ctx: PageContext, fit: ModelFit | null): Promise<ChartOutput[]> {
  const [grid, tiers, clv] = await Promise.all([
    ctx.source.rows('dashboard_rfm_grid', {}),
    ctx.source.rows('dashboard_value_tiers', {}),
    ctx.source.rows('dashboard_clv_histogram', { bins: ctx.config.histogramBins }),
  ])
  const cells = grid.map((r) => ({ r_score: num(r.r_score), f_score: num(r.f_score), customers: num(r.customers), mean_clv: num(r.mean_clv) }))
  const tierRows = tiers.map((r) => ({ tier: String(r.tier), customers: num(r.customers), total_clv: num(r.total_clv), mean_clv: num(r.mean_clv) }))
  const bins = clv.map((r) => ({ bin: num(r.bin), clv_from: num(r.clv_from), clv_to: r.clv_to === null ? null : num(r.clv_to), customers: num(r.customers) }))
  const width = bins.find((b) => b.clv_to !== null) ? bins.find((b) => b.clv_to !== null)!.clv_to! - bins.find((b) => b.clv_to !== null)!.clv_from : 1
  const noFit = fit ? undefined : 'No converged value fit yet: run `pulse ltv refresh`.'
  return [
    chartOutput('customer_value', {
      id: 'rfm-grid',
      title: 'RFM grid: customers by recency and frequency score',
      axes: 'x: frequency score (1 = least, 5 = most purchases) · y: recency score (5 = bought most recently) · colour: customers',
      reading: 'Darker cells hold more customers; the top right holds recent, frequent buyers, the bottom left the lapsing ones.',
      plot: {
        height: 300,
        x: { label: 'frequency score', domain: [1, 2, 3, 4, 5], type: 'band' },
        y: { label: 'recency score', domain: [5, 4, 3, 2, 1], type: 'band' },
        color: { scheme: 'blues', type: 'linear', zero: true },
        marks: [
          Plot.cell(cells, { x: 'f_score', y: 'r_score', fill: 'customers', inset: 1, title: (c) => `R ${c.r_score} F ${c.f_score}: ${c.customers} customers, mean CLV ${figure(c.mean_clv)}` }),
          Plot.text(cells, { x: 'f_score', y: 'r_score', text: (c) => String(c.customers), fill: (c) => (c.customers > Math.max(...cells.map((x) => x.customers)) / 2 ? 'white' : 'black') }),
        ],
      },
      columns: ['r_score', 'f_score', 'customers', 'mean_clv'],
      rows: cells,
      note: noFit,
    }),
    chartOutput('customer_value', {
      id: 'value-tiers',
      title: 'RFM-LTV tiers',
      axes: 'x: customers (count) · y: tier',
      reading: 'Each bar counts the customers in a tier (first rule that holds: churn risk, high value, potential, low value active, steady).',
      plot: {
        height: 60 + 30 * Math.max(1, tierRows.length),
        marginLeft: labelMargin(tierRows.map((t) => t.tier)),
        marginRight: 40,
        x: { label: 'customers', grid: true, zero: true, ...countTicks(tierRows.map((t) => t.customers)) },
        y: { label: null, domain: tierRows.length ? tierRows.map((t) => t.tier) : ['(no fit yet)'] },
        marks: [
          Plot.barX(tierRows, { x: 'customers', y: 'tier', fill: '#4269d0', title: (t) => `${t.tier}: ${t.customers} customers, total CLV ${figure(t.total_clv)}, mean CLV ${figure(t.mean_clv)}` }),
          Plot.text(tierRows, { x: 'customers', y: 'tier', text: (t) => String(t.customers), textAnchor: 'start', dx: 4 }),
          Plot.ruleX([0]),
        ],
      },
      columns: ['tier', 'customers', 'total_clv', 'mean_clv'],
      rows: tierRows,
      note: noFit,
    }),
    chartOutput('customer_value', {
      id: 'clv-distribution',
      title: 'CLV distribution',
      axes: 'x: customer lifetime value, discounted over --ltv-months (amount as sent) · y: customers',
      reading: 'Most customers sit in the first bars; the last bar also holds the top 1%, whose CLV may be far higher.',
      plot: {
        x: { label: 'CLV', zero: true },
        y: { label: 'customers', grid: true, zero: true },
        marks: [
          Plot.rectY(bins, { x1: 'clv_from', x2: (b) => b.clv_to ?? b.clv_from + width, y: 'customers', fill: '#4269d0', inset: 0.5, title: (b) => `CLV ${figure(b.clv_from)} to ${b.clv_to === null ? 'above' : figure(b.clv_to)}: ${b.customers} customers` }),
          Plot.ruleY([0]),
        ],
      },
      columns: ['bin', 'clv_from', 'clv_to', 'customers'],
      rows: bins,
      note: noFit,
    }),
    await calibrationChart(ctx, fit),
    parameterChart(fit),
  ]
}
