// `pulse sql "<query>"`: through the query API of a running Pulse, or straight on the data
// folder's embedded engine when none is serving it.
import { userError } from './user-error.ts'
import { openClickHouse } from '../../sql/clickhouse-client.ts'
import { requireEmbeddedStore } from './existing-data-folder.ts'
import { placeholdersOf } from '../../sql/read-path/placeholder-scan.ts'
import { runReadOnlyQuery } from '../../sql/read-path/read-only-query.ts'
import { clickHouseTarget, type FlagValues, type PulseConfig } from '../config.ts'
import { readDevKeys } from '../keys/dev-keys.ts'
import { postToPulse } from './pulse-request.ts'
import { PRINT_FORMATS, printRows } from './row-printing.ts'
import { runningServer } from '../runtime/server-file.ts'

function parseParams(list: unknown): Record<string, string> {
  const params: Record<string, string> = {}
  for (const p of (list as string[] | undefined) ?? []) {
    const i = p.indexOf('=')
    if (i < 1) throw userError(`--param "${p}" must look like name=value`)
    params[p.slice(0, i)] = p.slice(i + 1)
  }
  return params
}

/**
 * A --param text as the JSON value the query API reads for its placeholder's type: true / false
 * for Bool, a JSON array for Array(...) (`--param 'ids=["a","b"]'`); anything else stays text.
 */
function typedValue(type: string, text: string): unknown {
  const base = type.trim().replace(/^Nullable\((.*)\)$/, '$1')
  if (base === 'Bool' && /^(true|false|1|0)$/i.test(text)) return /^(true|1)$/i.test(text)
  if (base.startsWith('Array(') && text.trim().startsWith('[')) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

function typedParams(query: string, params: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params }
  for (const { name, type } of placeholdersOf(query)) if (name in params) out[name] = typedValue(type, params[name])
  return out
}

async function viaHttp(url: string, readKey: string, query: string, params: Record<string, string>): Promise<Record<string, unknown>[]> {
  const { status, body } = await postToPulse<{ rows?: Record<string, unknown>[] }>(url, '/api/sql', readKey, { query, params: typedParams(query, params) })
  if (status !== 200) throw userError(body.error?.message ?? `HTTP ${status}`)
  return body.rows ?? []
}

export async function runSql(query: string, flags: FlagValues, config: PulseConfig): Promise<void> {
  const format = String(flags.format ?? 'table')
  if (!PRINT_FORMATS.includes(format)) throw userError(`--format must be ${PRINT_FORMATS.join(', ')}, got ${format}`)
  const params = parseParams(flags.param)
  const server = typeof flags.url === 'string' ? { url: flags.url } : runningServer(config.dataDir)
  let rows: Record<string, unknown>[]
  if (server) {
    const readKey = config.readKeys[0] ?? config.adminKeys[0] ?? readDevKeys(config.dataDir)?.readKey
    if (!readKey) throw userError('no read key: pass --read-key KEY (or PULSE_READ_KEYS, or a --keys-file)')
    rows = await viaHttp(server.url, readKey, query, params)
  } else {
    if (!config.clickhouseUrl) requireEmbeddedStore(config.dataDir)
    const ch = await openClickHouse(clickHouseTarget(config))
    try {
      if (!ch.readClient) throw userError('queries on a ClickHouse server need a read-only user: pass --clickhouse-read-user (see sql/operator/create_read_user.sql)')
      // No Pulse runs on this folder: binding holds nothing of ingest back, so every type is read.
      rows = await runReadOnlyQuery(ch.readClient, query, params, config.clickhouseDatabase, { bindUnreadable: true })
    } finally {
      await ch.close()
    }
  }
  printRows(rows, format)
}
