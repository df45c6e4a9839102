// Renders an Observable Plot chart to SVG text in Node: Plot builds its elements through the
// `document` it is given (Plot docs, "Plot options": document), here a linkedom DOM, so pages
// carry finished SVG and need no script to show their charts.
import * as Plot from '@observablehq/plot'
import { parseHTML } from 'linkedom'

// Two charts side by side on a laptop and one on a phone both show it near its own size, so its
// text stays legible when a 390 px screen scales it down.
export const CHART_WIDTH = 480

export function plotSvg(options: Plot.PlotOptions, ariaLabel: string): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>')
  const chart = Plot.plot({ width: CHART_WIDTH, height: 240, marginLeft: 48, style: { fontSize: '11px' }, ...options, ariaLabel, document: document as unknown as Document })
  return (chart as unknown as { outerHTML: string }).outerHTML
}

/** A UTC day ('YYYY-MM-DD', as the engine's Date) as a Date for a time scale. */
export function dayDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`)
}

/** Figures as in the CSV: up to two decimals, no thousands separators (so a reader can match them). */
export function figure(n: number): string {
  return String(Math.round(n * 100) / 100)
}

/** Gap between daily bars: none once a day is too narrow for one (a long range on a small chart). */
export function dayInset(from: number, to: number): number {
  return (to - from) / 86_400_000 > 120 ? 0 : 0.5
}

/** A count axis: whole-number ticks only, also when the largest count is 1 or 2. */
export function countTicks(values: readonly number[]): { ticks: number; tickFormat: string } {
  return { ticks: Math.max(1, Math.min(5, ...values.map((v) => Math.ceil(Math.abs(v))))), tickFormat: 'd' }
}

/** Room on the left for the longest band label (about 7.5 px per character at 11 px, and the tick). */
export function labelMargin(labels: readonly string[], min = 60, max = 220): number {
  return Math.min(max, Math.max(min, 20 + 7.5 * Math.max(0, ...labels.map((l) => l.length))))
}
