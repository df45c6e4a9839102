// Renders an Observable Plot chart to SVG text in Node: Plot builds its elements through the
// `document` it is given (Plot docs, "Plot options": document), here a linkedom DOM, so pages
// carry finished SVG and need no script to show their charts.
import * as Plot from '@observablehq/plot'
import { parseHTML } from 'linkedom'

export const CHART_WIDTH = 640

export function plotSvg(options: Plot.PlotOptions, ariaLabel: string): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>')
  const chart = Plot.plot({ width: CHART_WIDTH, height: 260, marginLeft: 56, style: { fontSize: '11px' }, ...options, ariaLabel, document: document as unknown as Document })
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
