// The Churn page: the current churn scores per probability bin coloured by band, the latest churn
// model card's ROC curve, cumulative gains, lift by decile and calibration (GET /api/models/churn),
// the scored customers per value tier and band, and the churn early warnings of the range (README, "Churn scores in Pulse").
import * as Plot from '@observablehq/plot'
import type { ChurnModelBody } from '../../ingest/api/churn-model-routes.ts'
import { CHURN_BAND_CUTS } from '../../models/churn/churn-bands.ts'
import { chartOutput, type ChartOutput } from './chart-section.ts'
import { num, type PageContext } from './page-context.ts'
import { countTicks, dayDate, dayInset, figure, labelMargin } from './plot-svg.ts'

/** The latest warnings listed in the table under the alerts chart. */
const RECENT_ALERTS = 20
const BANDS = ['low', 'medium', 'high'] as const
const BAND_COLOURS = ['#3ca951', '#efb118', '#d0424f']
const percent = (share: number) => `${figure(100 * share)}%`
const NO_MODEL = 'No churn model yet: it is fitted after each value-model refit (`pulse ltv refresh`) once enough customers have purchases.'

/** The card's figures to judge the model by, as the API's `quality` names them: the backtest's, else in-sample. */
function judged(model: ChurnModelBody) {
  return model.card.backtest ? model.card.backtest.model : model.card.inSample
}

const basisText = (model: ChurnModelBody) => (model.card.backtest ? `backtest from ${model.card.backtest.cutoff}` : 'in-sample (no backtest)')

/** The line stated at the top of every page about the churn model. */
export function churnVersionLine(model: ChurnModelBody | null): string[] {
  if (!model) return []
  return [`churn model ${model.version}: fitted ${model.fitted_at.replace('T', ' ').replace(/\.\d+Z$/, '')} UTC, AUC ${figure(model.quality.auc)} (${model.quality.basis.replace('_', '-')})`]
}

async function scoreCharts(ctx: PageContext, model: ChurnModelBody | null): Promise<ChartOutput[]> {
  const [binRows, tierRows] = await Promise.all([ctx.source.rows('dashboard_churn_score_bins', {}), ctx.source.rows('dashboard_churn_band_tiers', {})])
  const bins = binRows.map((r) => ({ probability_from: num(r.probability_from), probability_to: num(r.probability_to), band: String(r.band), customers: num(r.customers) }))
  const tiers = tierRows.map((r) => ({ tier: String(r.tier), band: String(r.band), customers: num(r.customers), total_clv: num(r.total_clv) }))
  const tierNames = [...new Set(tiers.map((t) => t.tier))]
  const noScores = model ? 'No churn scores in the current value fit (the churn model could not be trained on it).' : NO_MODEL
  return [
    chartOutput('churn', {
      id: 'score-distribution',
      title: 'Churn probability of the scored customers, by band',
      axes: `x: churn probability in ${model?.card.horizonDays ?? 30} days (0.05-wide bins) · y: customers · colour: band (high from ${CHURN_BAND_CUTS.high}, medium from ${CHURN_BAND_CUTS.medium})`,
      reading: 'Each bar counts the customers whose predicted probability of churning falls in the bin; the red bars on the right are the ones to reach first.',
      plot: {
        x: { label: 'churn probability', domain: [0, 1] },
        y: { label: 'customers', grid: true, zero: true, ...countTicks(bins.map((b) => b.customers)) },
        color: { domain: [...BANDS], range: BAND_COLOURS, legend: true },
        marks: [
          Plot.rectY(bins, { x1: 'probability_from', x2: 'probability_to', y: 'customers', fill: 'band', inset: 0.5, title: (b) => `${figure(b.probability_from)} to ${figure(b.probability_to)} (${b.band}): ${b.customers} customers` }),
          Plot.ruleY([0]),
        ],
      },
      columns: ['probability_from', 'probability_to', 'band', 'customers'],
      rows: bins,
      note: bins.length ? undefined : noScores,
    }),
    chartOutput('churn', {
      id: 'risk-by-tier',
      title: 'Customers per value tier and churn band',
      axes: 'x: customers (count) · y: RFM-LTV tier · colour: churn band',
      reading: 'The red part of each bar is the tier\'s customers at high risk of churning; hover a part for its total CLV, what is at stake.',
      plot: {
        height: 70 + 30 * Math.max(1, tierNames.length),
        marginLeft: labelMargin(tierNames),
        x: { label: 'customers', grid: true, zero: true },
        y: { label: null, domain: tierNames.length ? tierNames : ['(no scores)'] },
        color: { domain: [...BANDS], range: BAND_COLOURS, legend: true },
        marks: [
          Plot.barX(tiers, { x: 'customers', y: 'tier', fill: 'band', order: [...BANDS], title: (t) => `${t.tier}, ${t.band} risk: ${t.customers} customers, total CLV ${figure(t.total_clv)}` }),
          Plot.ruleX([0]),
        ],
      },
      columns: ['tier', 'band', 'customers', 'total_clv'],
      rows: tiers,
      note: tiers.length ? undefined : noScores,
    }),
  ]
}

function cardCharts(model: ChurnModelBody | null): ChartOutput[] {
  const quality = model ? judged(model) : null
  const basis = model ? basisText(model) : ''
  const deciles = (quality?.lift ?? []).map((d) => ({ decile: d.decile, customers: d.customers, churned: d.churned, rate: d.rate, lift: d.lift, cumulative_capture: d.cumulativeCapture }))
  const gains = [{ targeted: 0, captured: 0 }, ...deciles.map((d) => ({ targeted: d.decile / 10, captured: d.cumulative_capture }))]
  const calibration = (quality?.calibration ?? []).map((c) => ({ from: c.from, to: c.to, customers: c.customers, mean_predicted: c.meanPredicted, observed_rate: c.observedRate }))
  const drawn = calibration.filter((c) => c.customers > 0 && c.mean_predicted !== null && c.observed_rate !== null)
  const note = model ? undefined : NO_MODEL
  const roc = quality?.roc ?? []
  return [
    chartOutput('churn', {
      id: 'roc',
      title: 'ROC curve',
      axes: `x: false-positive rate, the non-churners flagged (%) · y: true-positive rate, the churners flagged (%) · ${basis}`,
      reading: `Each point is one score threshold; the higher the curve above the diagonal (calling at random), the better the ranking: the area under it is the AUC, ${quality ? figure(quality.auc) : 'unknown'}.`,
      plot: {
        x: { label: 'non-churners flagged (%)', domain: [0, 100], grid: true },
        y: { label: 'churners flagged (%)', domain: [0, 100], grid: true },
        marks: [
          Plot.line([[0, 0], [100, 100]], { stroke: '#b8bfcc', strokeDasharray: '4,3' }),
          Plot.line(roc, { x: (r) => 100 * r.fpr, y: (r) => 100 * r.tpr, stroke: '#4269d0', strokeWidth: 2, title: (r) => `${percent(r.fpr)} of the non-churners and ${percent(r.tpr)} of the churners flagged` }),
        ],
      },
      columns: ['fpr', 'tpr'],
      rows: roc.map((r) => ({ ...r })),
      note: note ?? (roc.length ? undefined : 'This card was stored without its ROC points: the next refit adds them.'),
    }),
    chartOutput('churn', {
      id: 'gains',
      title: 'Churners found by calling the riskiest first',
      axes: `x: share of the customers contacted, riskiest first (%) · y: share of the churners among them (%) · ${basis}`,
      reading: `The further the curve bows above the diagonal (calling at random), the better the model ranks: calling the riskiest fifth finds the share of all churners read at 20%.`,
      plot: {
        x: { label: 'customers contacted (%)', domain: [0, 100], grid: true },
        y: { label: 'churners found (%)', domain: [0, 100], grid: true },
        marks: [
          Plot.line([[0, 0], [100, 100]], { stroke: '#b8bfcc', strokeDasharray: '4,3' }),
          Plot.line(gains, { x: (g) => 100 * g.targeted, y: (g) => 100 * g.captured, stroke: '#4269d0', strokeWidth: 2 }),
          Plot.dot(gains.slice(1), { x: (g) => 100 * g.targeted, y: (g) => 100 * g.captured, fill: '#4269d0', r: 3, title: (g) => `riskiest ${percent(g.targeted)}: ${percent(g.captured)} of the churners` }),
        ],
      },
      columns: ['decile', 'customers', 'churned', 'rate', 'lift', 'cumulative_capture'],
      rows: deciles,
      note,
    }),
    chartOutput('churn', {
      id: 'lift',
      title: 'Lift by decile',
      axes: `x: decile of the churn score (1 = the riskiest tenth) · y: churn rate in the decile over the overall rate · ${basis}`,
      reading: 'A bar above the line at 1 churns more often than average; a good model has tall bars on the left falling below 1 on the right.',
      plot: {
        x: { label: 'decile (1 = riskiest)', type: 'band', domain: Array.from({ length: 10 }, (_, i) => i + 1) },
        y: { label: 'lift', grid: true, zero: true },
        marks: [
          Plot.barY(deciles.filter((d) => d.lift !== null), { x: 'decile', y: 'lift', fill: '#4269d0', title: (d) => `decile ${d.decile}: lift ${figure(d.lift)}, ${d.churned} of ${d.customers} churned (${percent(d.rate)})` }),
          Plot.ruleY([1], { stroke: '#d0424f', strokeDasharray: '4,3' }),
          Plot.ruleY([0]),
        ],
      },
      columns: ['decile', 'customers', 'churned', 'rate', 'lift', 'cumulative_capture'],
      rows: deciles,
      note,
    }),
    chartOutput('churn', {
      id: 'calibration',
      title: 'Calibration: predicted against observed churn',
      axes: `x: mean predicted probability in the bin (%) · y: share who churned (%) · dot size: customers · ${basis}`,
      reading: 'Dots on the diagonal mean "30%" churns 30% of the time; dots below it are bins where the model overstates the risk.',
      plot: {
        x: { label: 'predicted (%)', domain: [0, 100], grid: true },
        y: { label: 'observed (%)', domain: [0, 100], grid: true },
        r: { range: [2, 9] },
        marks: [
          Plot.line([[0, 0], [100, 100]], { stroke: '#b8bfcc', strokeDasharray: '4,3' }),
          Plot.dot(drawn, { x: (c) => 100 * c.mean_predicted, y: (c) => 100 * c.observed_rate, r: 'customers', fill: '#4269d0', fillOpacity: 0.7, title: (c) => `${figure(c.from)} to ${figure(c.to)}: predicted ${percent(c.mean_predicted)}, observed ${percent(c.observed_rate)} of ${c.customers} customers` }),
        ],
      },
      columns: ['from', 'to', 'customers', 'mean_predicted', 'observed_rate'],
      rows: calibration,
      note,
    }),
  ]
}

async function alertsChart(ctx: PageContext): Promise<ChartOutput> {
  const range = { from: ctx.from, to: ctx.to }
  const [perDay, recent] = await Promise.all([ctx.source.rows('dashboard_churn_alerts_per_day', range), ctx.source.rows('dashboard_recent_churn_alerts', { ...range, limit: RECENT_ALERTS })])
  const days = perDay.map((r) => ({ day: String(r.day), alerts: num(r.alerts) }))
  return chartOutput('churn', {
    id: 'churn-alerts',
    title: 'Churn early warnings per day',
    axes: 'x: day (UTC) · y: warnings raised (a person\'s last 7 days fell well under their usual activity)',
    reading: `Each bar counts the persons warned that day; the table lists the latest ${RECENT_ALERTS} with their band and tier.`,
    plot: {
      x: { type: 'utc', domain: [new Date(ctx.from), new Date(ctx.to)], label: 'day (UTC)' },
      y: { label: 'warnings', grid: true, zero: true, ...countTicks(days.map((d) => d.alerts)) },
      marks: [
        Plot.rectY(days, { x: (d) => dayDate(d.day), y: 'alerts', interval: 'day', fill: '#d0424f', inset: dayInset(ctx.from, ctx.to), title: (d) => `${d.day}: ${d.alerts} warnings` }),
        Plot.ruleY([0]),
      ],
    },
    columns: ['day', 'alerts'],
    rows: days,
    note: days.length ? undefined : 'No churn warnings in this range.',
    table: recent.length ? {
      columns: ['day', 'person', 'band, tier', 'events: 7 days / usual week'],
      rows: recent.map((a) => [String(a.at).slice(0, 10), String(a.person_id), [a.band, a.tier].filter((v) => v !== '').join(', '), `${figure(num(a.activity_7d))} / ${figure(num(a.baseline_weekly))}`]),
    } : undefined,
  })
}

export async function churnCharts(ctx: PageContext, model: ChurnModelBody | null): Promise<ChartOutput[]> {
  const [scores, alerts] = await Promise.all([scoreCharts(ctx, model), alertsChart(ctx)])
  return [scores[0], ...cardCharts(model), scores[1], alerts]
}
