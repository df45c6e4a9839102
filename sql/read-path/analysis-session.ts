// Statements with parameters on the sealed read sessions of the embedded engine (analyses and the
// query API), run beside the other statements instead of in front of them. chdb runs statements
// with bound parameters one at a time process-wide, so a read bound the usual way (a funnel or an
// analyst's query of seconds) held every other parameterized statement behind it: the profile
// stage's reads, the file inserts of ingest, and so the storing of events. Here the parameters are
// stored as a row of analysis_requests (migrations 015, 016), and the statement reads each one from
// that row by name and type: `{name:Type}` (outside quotes and comments, placeholder-scan.ts)
// becomes JSONExtract(<the row's params>, 'name', 'Type'). The values never enter the SQL text;
// only the row's id does, a random hex string made here. The statement then binds nothing.
import { createHash, randomBytes } from 'node:crypto'
import type { ClickHouseClient } from '@clickhouse/client'
import { query } from '../sql-files.ts'
import { stringLiteral } from '../string-literal.ts'
import { placeholdersOf, replacePlaceholders, type Placeholder } from './placeholder-scan.ts'
import { MAX_STORED_PARAMS_BYTES } from './stored-param-fit.ts'

/** Stores one analysis's parameters (JSON object text) under `id`. */
export type StoreParams = (id: string, params: string) => Promise<void>

// A type text is copied into a quoted literal of the statement, its quotes and backslashes escaped:
// letters, digits, `_`, parentheses, commas, spaces, quotes, `=`, `.` and `-` (Enum8('a' = 1),
// DateTime64(3, 'UTC'), Decimal(10, 2)); anything else (a brace, a semicolon) is refused.
const TYPE = /^[A-Za-z][A-Za-z0-9_(), '=.-]*$/

/**
 * The statement with each `{name:Type}` read from the stored row `id`. A parameter `names` lacks
 * fails as the engine fails an unset one (the stored row would give the type's default instead).
 */
export function withStoredParams(sql: string, id: string, names?: ReadonlySet<string>): string {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`analysis request id ${JSON.stringify(id)} is not 32 hex digits`)
  const expression = query('analysis_request_params').split('\n').filter((line) => !line.startsWith('--')).join(' ')
  const row = expression.replaceAll('{request_id:String}', `'${id}'`)
  return replacePlaceholders(sql, ({ name, type }) => {
    if (!TYPE.test(type)) throw new Error(`parameter {${name}:${type}}: type not supported by the analysis session`)
    if (names && !names.has(name)) throw new Error(`Substitution \`${name}\` is not set`)
    return `JSONExtract(${row}, '${name}', ${stringLiteral(type)})`
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
  // Without a prototype, a parameter named __proto__ is a key like any other.
  const out: Record<string, unknown> = Object.create(null)
  for (const [name, value] of Object.entries(values)) out[name] = wellFormed(value)
  for (const { name, type } of placeholdersOf(sql)) {
    const value = out[name]
    if (value === undefined || value === null) continue
    if (type === 'String' && typeof value !== 'string') out[name] = String(value)
  }
  return out
}

/** The JSON text a statement's parameters are stored as. */
export function storedParamsText(sql: string, values: Record<string, unknown>): string {
  return JSON.stringify(asBound(sql, values))
}

/** Statements of one call share a row for a minute (a row the bounded table dropped is stored again). */
const REUSE_MS = 60_000
/** Rows remembered for reuse at once (a bound on memory; more calls each store their own). */
const REUSE_ENTRIES = 256

const UNKNOWN_TABLE = /analysis_requests.*(does not exist|UNKNOWN_TABLE)|UNKNOWN_DATABASE|Database .* does not exist/
/** sql/queries/analysis_request_params.sql's words for row `id` gone from the table. */
const rowGone = (id: string) => `the stored parameters of analysis request ${id} are gone`

/** Whether a statement's parameters may be read from a stored row (else they are bound as usual). */
export type StoredParamsFit = (placeholders: Placeholder[], values: Record<string, unknown>, storedText: string) => boolean

/**
 * A client whose `query` with parameters stores them and runs the statement without binding, when
 * `fit` allows (Pulse's own analyses: always); everything else goes to `session` as it is.
 */
export function analysisClient(session: ClickHouseClient, store: StoreParams, fit?: StoredParamsFit): ClickHouseClient {
  // The query API checks and then runs a statement with the same parameters (EXPLAIN AST, EXPLAIN
  // QUERY TREE, the query): they share the row stored for the first, one insert instead of three,
  // also while other calls run.
  const recent = new Map<string, { id: string; at: number }>()
  const run = async (params: Parameters<ClickHouseClient['query']>[0]) => {
    const bound = params.query_params ?? {}
    const placeholders = placeholdersOf(params.query)
    if (Object.keys(bound).length === 0 && placeholders.length === 0) return session.query(params)
    const text = storedParamsText(params.query, bound)
    if (fit && !fit(placeholders, bound, text)) return session.query(params)
    const bytes = Buffer.byteLength(text)
    if (bytes > MAX_STORED_PARAMS_BYTES) throw new Error(`the parameters take ${bytes} bytes as JSON, more than the ${MAX_STORED_PARAMS_BYTES} an analysis reads: use fewer or shorter values`)
    const names = new Set(Object.keys(bound).filter((k) => bound[k] !== undefined))
    // Keyed by a digest: a map of the texts themselves would hold up to REUSE_ENTRIES of them.
    const digest = createHash('sha256').update(text).digest('hex')
    let id = ''
    const attempt = async (mayReuse: boolean) => {
      const now = Date.now()
      for (const [key, r] of recent) if (now - r.at >= REUSE_MS) recent.delete(key)
      const reused = mayReuse ? recent.get(digest) : undefined
      id = reused ? reused.id : randomBytes(16).toString('hex')
      const statement = withStoredParams(params.query, id, names)
      if (!reused) {
        try {
          await store(id, text)
        } catch (err) {
          // A data folder Pulse has not migrated yet (`pulse sql --data-dir` migrates nothing):
          // bound the usual way, as before the table existed.
          if (UNKNOWN_TABLE.test(String((err as Error).message))) return session.query(params)
          throw err
        }
        if (recent.size < REUSE_ENTRIES || recent.has(digest)) recent.set(digest, { id, at: now })
      }
      return session.query({ ...params, query: statement, query_params: undefined })
    }
    try {
      return await attempt(true)
    } catch (err) {
      // The bounded table dropped the row (a flood of other calls) before this statement read it.
      if (String((err as Error).message).includes(rowGone(id))) return attempt(false)
      throw err
    }
  }
  return new Proxy(session, {
    get: (target, prop) => (prop === 'query' ? run : Reflect.get(target, prop, target)),
  })
}
