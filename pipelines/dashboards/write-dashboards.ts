// Writes the dashboards into a folder: index.html, one page per dashboard of the config, and the
// CSV behind every chart under data/. Every page reads its figures through the same source, so
// the pages of one run agree with each other and with the API at the time they were read.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { DASHBOARD_PAGES, type DashboardPageInfo } from '../../models/dashboards/dashboard-pages.ts'
import type { PageFacts } from '../../models/dashboards/dashboard-page.ts'
import type { DashboardsConfig } from '../../models/dashboards/dashboards-config.ts'
import { freshnessText } from '../../models/dashboards/freshness-text.ts'
import { INDEX_FILE, indexHtml, pageHtml } from '../../models/dashboards/page-html.ts'
import { CSV_FOLDER } from './chart-section.ts'
import { churnVersionLine } from './churn-page.ts'
import { fitVersionLine, readLatestFit } from './customer-value-page.ts'
import type { DashboardSource } from './dashboard-source.ts'
import { readEventTotals } from './overview-page.ts'
import { PAGE_BUILDERS } from './page-builders.ts'
import type { PageContext } from './page-context.ts'

export interface DashboardsRequest {
  source: DashboardSource
  out: string
  from: number
  to: number
  now: number
  config: DashboardsConfig
  purchaseEvents: string[]
}

export interface WrittenDashboards {
  index: string
  pages: Array<{ file: string; bytes: number; charts: number }>
  csvFiles: string[]
  seconds: number
}

/**
 * Removes what an earlier run wrote and this one does not (a page left out of the config, the CSV
 * of a funnel no longer there), so no file in the folder disagrees with the pages: only the page
 * files Pulse names and the CSV files of its data folder, nothing else a person put there.
 */
async function removeStale(out: string, keep: ReadonlySet<string>): Promise<void> {
  const ours = [...Object.values(DASHBOARD_PAGES).map((p) => p.file), ...(await readdir(path.join(out, CSV_FOLDER))).filter((f) => f.endsWith('.csv')).map((f) => `${CSV_FOLDER}/${f}`)]
  for (const file of ours) if (!keep.has(file)) await rm(path.join(out, file), { force: true })
}

const isoSecond = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

export async function writeDashboards(req: DashboardsRequest): Promise<WrittenDashboards> {
  const started = performance.now()
  const ctx: PageContext = { source: req.source, from: req.from, to: req.to, now: req.now, config: req.config, purchaseEvents: req.purchaseEvents }
  const [totals, fit, churnModel] = await Promise.all([readEventTotals(ctx), readLatestFit(ctx), req.source.churnModel()])
  const facts: PageFacts = {
    siteTitle: req.config.title,
    from: isoSecond(req.from),
    to: isoSecond(req.to),
    generatedAt: isoSecond(req.now),
    freshness: freshnessText(totals.newestEventMs, req.now),
    modelVersions: [...fitVersionLine(fit), ...churnVersionLine(churnModel)],
  }
  const infos: DashboardPageInfo[] = req.config.pages.map((id) => DASHBOARD_PAGES[id])
  const pages: WrittenDashboards['pages'] = []
  const files = new Map<string, string>()
  // Every page is built before any file is written, so a run that fails leaves the folder as it
  // was. One page after another: the engine is shared with ingest, and a page's reads run in
  // parallel already.
  for (const info of infos) {
    const charts = await PAGE_BUILDERS[info.id](ctx, { totals, fit, churnModel })
    for (const c of charts) files.set(c.csv.file, c.csv.text)
    const html = pageHtml({ info, facts, sections: charts.map((c) => c.section), nav: infos })
    files.set(info.file, html)
    pages.push({ file: info.file, bytes: Buffer.byteLength(html), charts: charts.length })
  }
  files.set(INDEX_FILE, indexHtml(infos, facts))
  await mkdir(path.join(req.out, CSV_FOLDER), { recursive: true })
  await removeStale(req.out, new Set(files.keys()))
  for (const [file, text] of files) await writeFile(path.join(req.out, file), text)
  const csvFiles = [...files.keys()].filter((f) => f.startsWith(`${CSV_FOLDER}/`))
  return { index: path.join(req.out, INDEX_FILE), pages, csvFiles, seconds: (performance.now() - started) / 1000 }
}
