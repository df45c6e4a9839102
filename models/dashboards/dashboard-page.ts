// What one dashboard page shows, before it becomes HTML: the facts stated at its top and one
// section per chart (its SVG already rendered, its data already written as CSV beside the page).
import type { DashboardPageInfo } from './dashboard-pages.ts'

export interface ChartSection {
  /** Unique on its page; also names the CSV file. */
  id: string
  title: string
  /** The axes and their units, e.g. "x: day (UTC) · y: events per day". */
  axes: string
  /** One line saying how to read the chart. */
  reading: string
  /** Inline SVG text (rendered without any script). */
  svg: string
  /** The CSV file with the data behind the chart, relative to the page. */
  csvFile: string
  /** Said under the chart when it has something to add, e.g. that the range holds no data. */
  note?: string
  /** Figures shown as a table under the chart (e.g. parameters with their standard errors). */
  table?: { columns: string[]; rows: string[][] }
}

export interface PageFacts {
  /** The site title of the dashboards config. */
  siteTitle: string
  /** ISO-8601 UTC bounds of the range the page covers, [from, to). */
  from: string
  to: string
  /** When the pages were written (the clock's now), ISO-8601 UTC. */
  generatedAt: string
  /** e.g. "newest event 2026-11-30 11:58 UTC, 2 minutes before now". */
  freshness: string
  /** One line per model the page relies on, e.g. "value models bgnbd-… fitted …". */
  modelVersions: string[]
}

export interface DashboardPage {
  info: DashboardPageInfo
  facts: PageFacts
  sections: ChartSection[]
  /** The other pages, for the navigation bar. */
  nav: DashboardPageInfo[]
}
