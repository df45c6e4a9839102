// The Overview page: events and active persons per day, new persons per day, purchase revenue per
// day, and ingestion health (events stored, dead letters by reason, freshness).
import * as Plot from '@observablehq/plot'
import { freshnessText, utcMinute } from '../../models/dashboards/freshness-text.ts'
import { chartOutput, type ChartOutput } from './chart-section.ts'
import { num, type PageContext } from './page-context.ts'
import { countTicks, dayDate, dayInset, figure, labelMargin } from './plot-svg.ts'

const DAY_AXES = 'x: day (UTC)'
const DAY_MS = 86_400_000

/** Said under a daily chart whose range ends inside a day: its last bar is not a whole day. */
export function partialDayNote(to: number, rows: number): string | undefined {
  if (rows === 0) return 'No data in this range.'
  if (to % DAY_MS === 0) return undefined
  return `The last day, ${new Date(to).toISOString().slice(0, 10)}, is partial: the range ends at ${new Date(to).toISOString().slice(11, 16)} UTC.`
}

export interface EventTotals {
  eventsInRange: number
  eventsTotal: number
  newestEventMs: number | null
  newestReceivedMs: number | null
}

export async function readEventTotals(ctx: PageContext): Promise<EventTotals> {
  const [t] = await ctx.source.rows('dashboard_event_totals', { from: ctx.from, to: ctx.to })
  const ms = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return { eventsInRange: num(t?.events_in_range), eventsTotal: num(t?.events_total), newestEventMs: ms(t?.newest_event_ms), newestReceivedMs: ms(t?.newest_received_ms) }
}

function dailyBars(ctx: PageContext, id: string, title: string, yLabel: string, reading: string, rows: Array<{ day: string; value: number }>, column: string, unit: string): ChartOutput {
  return chartOutput('overview', {
    id,
    title,
    axes: `${DAY_AXES} · y: ${yLabel}`,
    reading,
    plot: {
      x: { type: 'utc', domain: [new Date(ctx.from), new Date(ctx.to)], label: 'day (UTC)' },
      y: { label: yLabel, grid: true, zero: true },
      marks: [Plot.rectY(rows, { x: (r) => dayDate(r.day), y: 'value', interval: 'day', fill: '#4269d0', inset: dayInset(ctx.from, ctx.to), title: (r) => `${r.day}: ${figure(r.value)} ${unit}` }), Plot.ruleY([0])],
    },
    columns: ['day', column],
    rows: rows.map((r) => ({ day: r.day, [column]: r.value })),
    note: partialDayNote(ctx.to, rows.length),
  })
}

export async function overviewCharts(ctx: PageContext, totals: EventTotals): Promise<ChartOutput[]> {
  const range = { from: ctx.from, to: ctx.to }
  const [daily, newPersons, deadLetters] = await Promise.all([
    ctx.source.rows('dashboard_events_per_day', { ...range, purchases: ctx.purchaseEvents }),
    ctx.source.rows('dashboard_new_persons_per_day', range),
    ctx.source.rows('dashboard_dead_letters_by_reason', range),
  ])
  const days = daily.map((r) => ({ day: String(r.day), events: num(r.events), active: num(r.active_persons), revenue: num(r.revenue) }))
  const active = days.map((d) => ({ day: d.day, value: d.active }))
  const letters = deadLetters.map((r) => ({ reason: String(r.reason), dead_letters: num(r.dead_letters) }))
  const lettersTotal = letters.reduce((s, r) => s + r.dead_letters, 0)
  const charts: ChartOutput[] = [
    dailyBars(ctx, 'events-per-day', 'Events per day', 'events per day', 'Each bar is one UTC day\'s stored events; a sudden gap means a source stopped sending.', days.map((d) => ({ day: d.day, value: d.events })), 'events', 'events'),
    chartOutput('overview', {
      id: 'active-persons-per-day',
      title: 'Active persons per day',
      axes: `${DAY_AXES} · y: persons with at least one event that day`,
      reading: 'Each point counts the distinct persons (ids stitched together) who did anything that day.',
      plot: {
        x: { type: 'utc', domain: [new Date(ctx.from), new Date(ctx.to)], label: 'day (UTC)' },
        y: { label: 'active persons', grid: true, zero: true },
        marks: [Plot.lineY(active, { x: (r) => dayDate(r.day), y: 'value', stroke: '#4269d0' }), Plot.dot(active, { x: (r) => dayDate(r.day), y: 'value', r: 2, fill: '#4269d0', title: (r) => `${r.day}: ${r.value} active persons` }), Plot.ruleY([0])],
      },
      columns: ['day', 'active_persons'],
      rows: active.map((r) => ({ day: r.day, active_persons: r.value })),
      note: partialDayNote(ctx.to, active.length),
    }),
    dailyBars(ctx, 'new-persons-per-day', 'New persons per day', 'persons first seen that day', 'Each bar counts the persons Pulse created that day (when it first processed one of their ids; backfilled history lands on the day of the import); merged persons count once.', newPersons.map((r) => ({ day: String(r.day), value: num(r.new_persons) })), 'new_persons', 'new persons'),
    dailyBars(ctx, 'revenue-per-day', 'Revenue per day', 'revenue per day (amount as sent)', `Each bar sums the revenue of the day's purchase events (${ctx.purchaseEvents.join(', ')}), in the currency the events were sent in.`, days.map((d) => ({ day: d.day, value: d.revenue })), 'revenue', 'revenue'),
    chartOutput('overview', {
      id: 'dead-letters-by-reason',
      title: 'Ingestion health: dead letters by reason',
      axes: 'x: dead letters received in the range (count) · y: reason code',
      reading: 'Each bar counts events or requests that could not be stored, by reason; fix the cause, then `pulse dead-letters replay`.',
      plot: {
        height: Math.max(120, 40 + 24 * Math.max(1, letters.length)),
        marginLeft: labelMargin(letters.map((r) => r.reason)),
        marginRight: 40,
        x: { label: 'dead letters', grid: true, zero: true, ...countTicks(letters.map((r) => r.dead_letters)) },
        y: { label: null, domain: letters.length ? letters.map((r) => r.reason) : ['(none)'] },
        marks: [
          Plot.barX(letters, { x: 'dead_letters', y: 'reason', fill: '#d0424f', title: (r) => `${r.reason}: ${r.dead_letters} dead letters` }),
          Plot.text(letters, { x: 'dead_letters', y: 'reason', text: (r) => String(r.dead_letters), textAnchor: 'start', dx: 4 }),
          Plot.ruleX([0]),
        ],
      },
      columns: ['reason', 'dead_letters'],
      rows: letters,
      note: letters.length ? undefined : 'No dead letters in this range.',
      table: {
        columns: ['measure', 'value'],
        rows: [
          ['events stored in the range', String(totals.eventsInRange)],
          ['events stored in all', String(totals.eventsTotal)],
          ['dead letters in the range', String(lettersTotal)],
          ['newest event (its time)', totals.newestEventMs === null ? 'none' : utcMinute(totals.newestEventMs)],
          ['newest event received', totals.newestReceivedMs === null ? 'none' : utcMinute(totals.newestReceivedMs)],
          ['freshness', freshnessText(totals.newestEventMs, ctx.now)],
        ],
      },
    }),
  ]
  return charts
}
