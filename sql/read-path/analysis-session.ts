// The session analyses run on in the embedded engine, beside the other reads instead of in front
// of them. chdb runs statements with bound parameters one at a time process-wide, so an analysis
// bound the usual way (a funnel of seconds) held every other parameterized statement behind it:
// the query API, the profile reads, the file inserts of ingest. Here an analysis's parameters are
// stored as a row of analysis_requests (migration 015), and the statement reads each one from
// that row by name and type: `{name:Type}` becomes JSONExtract(<the row's params>, 'name',
// 'Type'). The values never enter the SQL text; only the row's id does, a random hex string made
// here. The statement then binds nothing and runs on its own sealed session beside the others.
import { randomBytes } from 'node:crypto'
import type { ClickHouseClient } from '@clickhouse/client'
import { query } from '../sql-files.ts'

/** Stores one analysis's parameters (JSON object text) under `id`. */
export type StoreParams = (id: string, params: string) => Promise<void>

const PARAMETER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g
// A type text is copied into a quoted literal of the statement: letters, digits, parentheses and
// commas only (no quote can pass).
const TYPE = /^[A-Za-z][A-Za-z0-9(), ]*$/

/** The statement with each `{name:Type}` read from the stored row `id`. */
export function withStoredParams(sql: string, id: string): string {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`analysis request id ${JSON.stringify(id)} is not 32 hex digits`)
  const expression = query('analysis_request_params').split('\n').filter((line) => !line.startsWith('--')).join(' ')
  const row = expression.replaceAll('{request_id:String}', `'${id}'`)
  return sql.replace(PARAMETER, (_, name: string, type: string) => {
    if (!TYPE.test(type)) throw new Error(`parameter {${name}:${type}}: type not supported by the analysis session`)
    return `JSONExtract(${row}, '${name}', '${type}')`
  })
}

/** A value with every text made well-formed, as binding sends it (a lone surrogate becomes U+FFFD). */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.toWellFormed()
  if (Array.isArray(value)) return value.map(wellFormed)
  return value
}

/**
 * The values as binding would read them: a scalar String parameter takes the text of a number or a
 * boolean, and texts are well-formed (the engine's JSON reader refuses an escaped lone surrogate,
 * which would leave every parameter of the row at its default).
 */
function asBound(sql: string, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(values)) out[name] = wellFormed(value)
  for (const [, name, type] of sql.matchAll(PARAMETER)) {
    if (type === 'String' && out[name] !== undefined && out[name] !== null && typeof out[name] !== 'string') out[name] = String(out[name])
  }
  return out
}

/**
 * A client whose `query` with `query_params` stores them and runs the statement without binding;
 * everything else goes to `session` as it is. Only Pulse's own analysis files are sent through it.
 */
export function analysisClient(session: ClickHouseClient, store: StoreParams): ClickHouseClient {
  const run = async (params: Parameters<ClickHouseClient['query']>[0]) => {
    const bound = params.query_params ?? {}
    if (Object.keys(bound).length === 0) return session.query(params)
    const id = randomBytes(16).toString('hex')
    await store(id, JSON.stringify(asBound(params.query, bound)))
    return session.query({ ...params, query: withStoredParams(params.query, id), query_params: undefined })
  }
  return new Proxy(session, {
    get: (target, prop) => (prop === 'query' ? run : Reflect.get(target, prop, target)),
  })
}
