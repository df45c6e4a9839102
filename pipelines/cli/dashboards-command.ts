// `pulse dashboards --out DIR [--from --to] [--config FILE]`: writes the static dashboards through
// a running Pulse's API (--url, or the Pulse serving --data-dir) or, when none runs, straight from
// the data folder's engine.
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseLifecycleRequest } from '../../models/analytics/lifecycle-request.ts'
import { AnalysisRequestError } from '../../models/analytics/request-error.ts'
import { parseRetentionRequest } from '../../models/analytics/retention-request.ts'
import { dashboardRange } from '../../models/dashboards/dashboard-range.ts'
import { DEFAULT_DASHBOARDS_CONFIG, parseDashboardsConfig, type DashboardsConfig } from '../../models/dashboards/dashboards-config.ts'
import { openClickHouse } from '../../sql/clickhouse-client.ts'
import { migrate } from '../../sql/migrate.ts'
import { clickHouseTarget, type PulseConfig } from '../config.ts'
import { embeddedSource } from '../dashboards/embedded-source.ts'
import { httpSource } from '../dashboards/http-source.ts'
import { writeDashboards, type WrittenDashboards } from '../dashboards/write-dashboards.ts'
import { readDevKeys } from '../keys/dev-keys.ts'
import { runningServer } from '../runtime/server-file.ts'
import { requireEmbeddedStore } from './existing-data-folder.ts'
import { outputFolder } from './output-folder.ts'
import { userError } from './user-error.ts'

export interface DashboardsOptions {
  out?: string
  from?: string
  to?: string
  config?: string
  url?: string
}

export function readDashboardsConfig(file: string | undefined): DashboardsConfig {
  if (file === undefined) return DEFAULT_DASHBOARDS_CONFIG
  if (statSync(file, { throwIfNoEntry: false })?.isFile() !== true) throw userError(`--config ${file} is not a file: pass the path of a dashboards config (JSON)`)
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw userError(`--config ${file} is not JSON (${(e as Error).message}): fix the file`)
  }
  const parsed = parseDashboardsConfig(json)
  if (!parsed.ok) throw userError(`--config ${file} has ${parsed.errors.length} problem${parsed.errors.length === 1 ? '' : 's'}: ${parsed.errors.join('; ')}`)
  return parsed.config
}

/**
 * The Retention page's tables hold a bounded number of periods: a range they cannot draw is
 * refused before anything is read or written, naming what to change.
 */
function checkRetentionRange(dashboards: DashboardsConfig, range: { from: number; to: number }, now: number): void {
  if (!dashboards.pages.includes('retention')) return
  const span = { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() }
  for (const [key, parse] of [['retention', parseRetentionRequest], ['lifecycle', parseLifecycleRequest]] as const) {
    try {
      parse({ ...dashboards[key], ...span }, now)
    } catch (e) {
      if (!(e instanceof AnalysisRequestError)) throw e
      throw userError(`the Retention page cannot draw ${span.from} to ${span.to} with the config's ${key} (${e.message}): narrow --from / --to or range_days, choose a longer ${key}.period, or leave "retention" out of pages`)
    }
  }
}

export async function runDashboards(opts: DashboardsOptions, config: PulseConfig): Promise<WrittenDashboards> {
  const dashboards = readDashboardsConfig(opts.config)
  const now = config.now ?? Date.now()
  const range = dashboardRange({ from: opts.from, to: opts.to }, now, dashboards.rangeDays)
  if (!range.ok) throw userError(range.error)
  checkRetentionRange(dashboards, range, now)
  const server = opts.url !== undefined ? { url: opts.url } : runningServer(config.dataDir)
  // Checked before the output folder is made, so a mistyped --data-dir leaves nothing behind.
  if (!server && !config.clickhouseUrl) requireEmbeddedStore(config.dataDir)
  const out = opts.out ?? path.join(config.dataDir, 'dashboards')
  outputFolder(out, '--out')
  const request = { out, from: range.from, to: range.to, now, config: dashboards, purchaseEvents: config.ltvPurchaseEvents }
  if (server) {
    const readKey = config.readKeys[0] ?? config.adminKeys[0] ?? readDevKeys(config.dataDir)?.readKey
    if (!readKey) throw userError('no read key: pass --read-key KEY (or PULSE_READ_KEYS, or a --keys-file)')
    return writeDashboards({ ...request, source: httpSource(server.url, readKey) })
  }
  const ch = await openClickHouse(clickHouseTarget(config))
  try {
    // A folder written by an older Pulse gets the tables the pages read, as `pulse serve` would add them.
    await migrate(ch.client)
    if (!ch.readClient) throw userError('dashboards on a ClickHouse server need a read-only user: pass --clickhouse-read-user (see sql/operator/create_read_user.sql)')
    return await writeDashboards({ ...request, source: embeddedSource(ch, config.profilesSettings.tags, now) })
  } finally {
    await ch.close()
  }
}

export function printDashboards(written: WrittenDashboards): void {
  const pages = written.pages.map((p) => `${p.file} (${p.charts} charts, ${(p.bytes / 1024).toFixed(0)} KiB)`).join(', ')
  console.log(`dashboards written in ${written.seconds.toFixed(2)} s: ${pages}; data behind each chart in ${written.csvFiles.length} CSV files`)
  console.log(`open ${written.index}`)
}
