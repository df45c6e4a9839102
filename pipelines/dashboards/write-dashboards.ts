// Writes the dashboards into a folder: index.html, one page per dashboard of the config, and the
// CSV behind every chart under data/. Every page reads its figures through the same source, so
// the pages of one run agree with each other and with the API at the time they were read.
import { mkdir, writeFile } from 'node:fs/promises'
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
  await mkdir(path.join(req.out, CSV_FOLDER), { recursive: true })
  const pages: WrittenDashboards['pages'] = []
  const csvFiles: string[] = []
  // One page after another: the engine is shared with ingest, and a page's reads run in parallel already.
  for (const info of infos) {
    const charts = await PAGE_BUILDERS[info.id](ctx, { totals, fit, churnModel })
    for (const c of charts) {
      await writeFile(path.join(req.out, c.csv.file), c.csv.text)
      csvFiles.push(c.csv.file)
    }
    const html = pageHtml({ info, facts, sections: charts.map((c) => c.section), nav: infos })
    await writeFile(path.join(req.out, info.file), html)
    pages.push({ file: info.file, bytes: Buffer.byteLength(html), charts: charts.length })
  }
  const index = path.join(req.out, INDEX_FILE)
  await writeFile(index, indexHtml(infos, facts))
  return { index, pages, csvFiles, seconds: (performance.now() - started) / 1000 }
}
