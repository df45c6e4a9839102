// The dashboards in a real browser (Debian's chromium, headless, through playwright-core): every
// page opens from the folder (file://) without console errors, failed or outside requests, every
// chart is drawn and non-empty, nothing scrolls sideways on a 390 px phone, each page is under
// 2 MB and loads within a second; a screenshot of each page at phone and laptop width is kept
// under test/artifacts/.
import { mkdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDashboards } from '../pipelines/cli/dashboards-command.ts'
import type { WrittenDashboards } from '../pipelines/dashboards/write-dashboards.ts'
import { SIM_START, startPulseWithDataset, type DashboardDataset } from './helpers/dashboard-data.ts'
import { tempDir } from './helpers/test-pulse.ts'

const artifacts = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts')
const out = tempDir('dashboards-browser')
const MAX_PAGE_BYTES = 2 * 1024 * 1024
const MAX_LOAD_MS = 1000
let data: DashboardDataset | undefined
let written: WrittenDashboards
let browser: Browser

beforeAll(async () => {
  data = await startPulseWithDataset('dashboards-browser', 300)
  written = await runDashboards({ url: data.pulse.url, out, from: SIM_START, to: new Date((Math.floor(Date.now() / 86_400_000) + 2) * 86_400_000).toISOString() }, data.pulse.config)
  await data.pulse.stop()
  mkdirSync(artifacts, { recursive: true })
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await data?.pulse.stop()
})

const files = () => ['index.html', ...written.pages.map((p) => p.file)]

describe('the dashboards in headless chromium', () => {
  it('every page loads from the folder without errors or outside requests, within a second', async () => {
    for (const file of files()) {
      expect(statSync(path.join(out, file)).size, file).toBeLessThan(MAX_PAGE_BYTES)
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      const problems: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`)
      })
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
      page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`))
      page.on('request', (r) => {
        if (!r.url().startsWith('file://') && !r.url().startsWith('data:')) problems.push(`outside request: ${r.url()}`)
      })
      await page.goto(pathToFileURL(path.join(out, file)).href, { waitUntil: 'load' })
      const loadMs = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd)
      expect(loadMs, file).toBeGreaterThan(0)
      expect(loadMs, file).toBeLessThan(MAX_LOAD_MS)
      await page.screenshot({ path: path.join(artifacts, `dashboards-${file.replace('.html', '')}-1280.png`), fullPage: true })
      expect(problems, file).toEqual([])
      await page.close()
    }
  })

  it('every chart is drawn with marks, and its CSV link opens a file of the folder', async () => {
    for (const p of written.pages) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      await page.goto(pathToFileURL(path.join(out, p.file)).href, { waitUntil: 'load' })
      const charts = await page.$$eval('section', (sections) =>
        sections.map((s) => {
          const svg = s.querySelector('figure.chart svg[aria-label]')
          const box = svg?.getBoundingClientRect()
          return { id: s.id, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg ? svg.querySelectorAll('rect, circle, path, line, text').length : 0, csv: s.querySelector('a[download]')?.getAttribute('href') ?? '' }
        }),
      )
      expect(charts.length, p.file).toBe(p.charts)
      for (const c of charts) {
        expect(c.width, `${p.file} ${c.id}`).toBeGreaterThan(100)
        expect(c.height, `${p.file} ${c.id}`).toBeGreaterThan(50)
        expect(c.marks, `${p.file} ${c.id}`).toBeGreaterThan(3)
        expect(statSync(path.join(out, c.csv)).isFile(), `${p.file} ${c.id}`).toBe(true)
      }
      await page.close()
    }
  })

  it('no page scrolls sideways at 390 px, and the charts shrink to the width', async () => {
    for (const file of files()) {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 })
      await page.goto(pathToFileURL(path.join(out, file)).href, { waitUntil: 'load' })
      const widths = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        widestSvg: Math.max(0, ...[...document.querySelectorAll('svg')].map((s) => s.getBoundingClientRect().right)),
      }))
      expect(widths.scroll, file).toBeLessThanOrEqual(widths.client)
      expect(widths.widestSvg, file).toBeLessThanOrEqual(widths.client)
      await page.screenshot({ path: path.join(artifacts, `dashboards-${file.replace('.html', '')}-390.png`), fullPage: true })
      await page.close()
    }
  })
})
