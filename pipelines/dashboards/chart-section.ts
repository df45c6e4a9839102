// One chart of a page: its Plot rendered to SVG and its data as a CSV file, kept together so the
// link under the chart always names the file holding exactly the rows it drew.
import type * as Plot from '@observablehq/plot'
import type { ChartSection } from '../../models/dashboards/dashboard-page.ts'
import { csvText, type CsvRow } from './chart-csv.ts'
import { plotSvg } from './plot-svg.ts'

export const CSV_FOLDER = 'data'

export interface ChartOutput {
  section: ChartSection
  csv: { file: string; text: string }
}

export interface ChartSpec {
  id: string
  title: string
  axes: string
  reading: string
  plot: Plot.PlotOptions
  columns: readonly string[]
  rows: readonly CsvRow[]
  note?: string
  table?: ChartSection['table']
}

export function chartOutput(pageId: string, spec: ChartSpec): ChartOutput {
  const file = `${CSV_FOLDER}/${pageId.replaceAll('_', '-')}-${spec.id}.csv`
  const note = spec.note ?? (spec.rows.length === 0 ? 'No data in this range.' : undefined)
  return {
    section: { id: spec.id, title: spec.title, axes: spec.axes, reading: spec.reading, svg: plotSvg(spec.plot, spec.title), csvFile: file, note, table: spec.table },
    csv: { file, text: csvText(spec.columns, spec.rows) },
  }
}
