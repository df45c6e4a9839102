// `pulse compact`: merges the analysis table's parts into one (pipelines/jobs/analysis-compaction.ts),
// through the running Pulse (--url or the one serving the data folder; admin key) or, when none
// runs, on the data folder itself. Worth it after importing per-customer histories.
import { openClickHouse } from '../../sql/clickhouse-client.ts'
import { migrate } from '../../sql/migrate.ts'
import { clickHouseTarget, type PulseConfig } from '../config.ts'
import type { AnalysisLayout } from '../../sql/analytics/analysis-table-layout.ts'
import { AnalysisCompaction, type CompactionSummary } from '../jobs/analysis-compaction.ts'
import { readDevKeys } from '../keys/dev-keys.ts'
import { runningServer } from '../runtime/server-file.ts'
import { requireEmbeddedStore } from './existing-data-folder.ts'
import { postToPulse } from './pulse-request.ts'
import { formatTable } from './row-printing.ts'
import { userError } from './user-error.ts'

interface LayoutBody {
  parts: number
  rows: number
  parts_per_day: number
}

async function viaHttp(url: string, adminKey: string): Promise<CompactionSummary> {
  const { status, body } = await postToPulse<{ compact?: { before: LayoutBody; after: LayoutBody; seconds: number } }>(url, '/api/events/compact', adminKey, {})
  if (status !== 200 || !body.compact) throw userError(body.error?.message ?? `HTTP ${status}`)
  const layout = (l: LayoutBody): AnalysisLayout => ({ parts: l.parts, rows: l.rows, partsPerDay: l.parts_per_day })
  return { before: layout(body.compact.before), after: layout(body.compact.after), seconds: body.compact.seconds }
}

export async function runCompact(flags: { url?: string; json?: boolean }, config: PulseConfig): Promise<void> {
  const server = flags.url ? { url: flags.url } : runningServer(config.dataDir)
  let summary: CompactionSummary
  if (server) {
    const adminKey = config.adminKeys[0] ?? readDevKeys(config.dataDir)?.adminKey
    if (!adminKey) throw userError('compacting through a running Pulse needs an admin key: pass --admin-key KEY (or PULSE_ADMIN_KEYS, or a --keys-file)')
    console.error(`compacting events_by_day through ${server.url} (about 15 s per 20 M events on 2 cores)...`)
    summary = await viaHttp(server.url, adminKey)
  } else {
    if (!config.clickhouseUrl) requireEmbeddedStore(config.dataDir)
    const ch = await openClickHouse(clickHouseTarget(config))
    try {
      await migrate(ch.client)
      console.error('compacting events_by_day (about 15 s per 20 M events on 2 cores)...')
      summary = await new AnalysisCompaction(ch).run()
    } finally {
      await ch.close()
    }
  }
  if (flags.json) {
    console.log(JSON.stringify(summary))
    return
  }
  const row = (when: string, l: AnalysisLayout) => ({ '': when, parts: l.parts, rows: l.rows.toLocaleString('en-US'), 'parts per day': l.partsPerDay })
  console.log(formatTable([row('before', summary.before), row('after', summary.after)]))
  console.log(`compacted in ${summary.seconds.toFixed(1)} s`)
}
