// Runs one analyst query on the sealed read session (read-session-settings.ts on the embedded
// engine, the read-only user of sql/operator/create_read_user.sql on a server). The engine is the
// guard: it parses the text itself (one statement or an error), the query runs as the body of a
// subquery (so INTO OUTFILE, FORMAT and a second statement cannot parse), and the session refuses
// writes, DDL, setting changes and outside table functions. The checks here only turn what the
// engine parsed into a clear refusal, and keep the query to the Pulse database.
import type { ClickHouseClient } from '@clickhouse/client'
import { syntaxRefusal, treeRefusal } from './query-screen.ts'
import { storedParamsText } from './analysis-session.ts'
import { placeholdersOf } from './placeholder-scan.ts'
import { parameterProblem } from './query-parameter-check.ts'
import { MAX_STORED_PARAMS_BYTES, storedParamsProblem } from './stored-param-fit.ts'
import { singleStatement } from './statement-check.ts'
import { query } from '../sql-files.ts'

export class QueryRefused extends Error {
  /** `read_only` for what the query API never runs, `invalid_params` for parameters to fix. */
  constructor(message: string, readonly code: 'read_only' | 'invalid_params' = 'read_only') {
    super(message)
  }
}

// The engine's words for a {name:Type} parameter that is absent, of an unknown type or unreadable.
const PARAMETER_ERROR = /Substitution `[^`]*` is not set|query parameter|UNKNOWN_QUERY_PARAMETER|BAD_QUERY_PARAMETER|Unknown data type family/i

const SELECT_START = /^\s*(\(|select\b|with\b)/i
const STATEMENT_MARK = '-- analyst statement'

async function lines(client: ClickHouseClient, sql: string, params: Record<string, unknown>): Promise<string[]> {
  const result = await client.query({ query: sql, query_params: params, format: 'TabSeparatedRaw' })
  // The engine may print each line as a quoted string (chdb does for EXPLAIN AST).
  return (await result.text()).split('\n').filter((l) => l.trim()).map(unquoted)
}

function unquoted(line: string): string {
  if (!(line.startsWith('"') && line.endsWith('"'))) return line
  try {
    return JSON.parse(line) as string
  } catch {
    return line.slice(1, -1)
  }
}

/** The engine's canonical text of the one statement in `sql` (comments gone, nesting resolved). */
async function canonicalStatement(client: ClickHouseClient, sql: string): Promise<string> {
  const result = await client.query({ query: query('canonical_statement'), query_params: { statement: sql }, format: 'JSONEachRow' })
  const [row] = await result.json<{ canonical: string }>()
  return row.canonical
}

const READABLE_PARAMS = 'the query API reads parameters of the types String, Int8 to Int64, UInt8 to UInt64, Float32, Float64, Bool, Date, DateTime, ' +
  'DateTime64(n) and UUID, and Array(...) and Nullable(...) of them, each sent as a JSON value of its type (true / false for Bool, texts for dates and UUIDs), ' +
  `at most ${MAX_STORED_PARAMS_BYTES / 1024} KB in all; send another value as a String and convert it in the query (toDecimal64({p:String}, 2), toDateTime64({t:String}, 3, 'UTC'))`

/**
 * Why the statement's parameters cannot be read from a stored row, or null. Such parameters would
 * be bound, and on the embedded engine a bound statement holds every other bound statement of the
 * process (the storing of events among them) behind it for as long as it runs (analysis-session.ts).
 * Parameters left unset are the engine's to name.
 */
function unreadableParams(sql: string, params: Record<string, unknown>): string | null {
  const set = placeholdersOf(sql).filter(({ name }) => params[name] !== undefined)
  const text = storedParamsText(sql, params)
  return storedParamsProblem(set, params, text)
}

/** The refusal of the parameters as `sql` uses them: a value its type would not hold, or one a stored row cannot. */
function parameterRefusal(sql: string, params: Record<string, unknown>, options: ReadOnlyQueryOptions): QueryRefused | null {
  const bad = parameterProblem(sql, params)
  if (bad) return new QueryRefused(`${bad}: send a value its type holds`, 'invalid_params')
  const unreadable = options.bindUnreadable ? null : unreadableParams(sql, params)
  return unreadable ? new QueryRefused(`${unreadable}: ${READABLE_PARAMS}`, 'invalid_params') : null
}

/** The engine parses at most 256 KiB of query text (max_query_size); the statement is wrapped in a few lines more. */
const MAX_QUERY_TEXT_BYTES = 256 * 1024 - 4096

export interface ReadOnlyQueryOptions {
  /**
   * Bind the parameters a stored row cannot hold instead of refusing them: only where nothing
   * else of Pulse runs in the process (`pulse sql` on a data folder no Pulse is serving).
   */
  bindUnreadable?: boolean
}

export async function runReadOnlyQuery(
  client: ClickHouseClient,
  sql: string,
  params: Record<string, unknown>,
  database: string,
  options: ReadOnlyQueryOptions = {},
): Promise<Record<string, unknown>[]> {
  // A first, friendly answer; the engine's parse below is what decides.
  if (singleStatement(sql) === null) throw new QueryRefused('send one statement per call (found a ";" followed by more SQL)')
  const textBytes = Buffer.byteLength(sql)
  if (textBytes > MAX_QUERY_TEXT_BYTES) throw new QueryRefused(`the query text takes ${textBytes} bytes, more than the ${MAX_QUERY_TEXT_BYTES} the query API reads: send a shorter query (pass long value lists as an Array parameter)`, 'invalid_params')
  const refusal = parameterRefusal(sql, params, options)
  if (refusal) throw refusal
  let canonical: string
  try {
    canonical = await canonicalStatement(client, sql)
  } catch (e) {
    throw new QueryRefused(`send exactly one statement, a SELECT: ${(e as Error).message.split('\n')[0].slice(0, 300)}`)
  }
  // Checked again on the engine's own text: a placeholder the first check could not see (behind a
  // heredoc or a # comment, which it does not read) is in plain sight there.
  const hiddenRefusal = parameterRefusal(canonical, params, options)
  if (hiddenRefusal) throw hiddenRefusal
  if (!SELECT_START.test(canonical)) throw new QueryRefused('the query API runs SELECT-queries only (a WITH clause first is fine): no other kind of statement')
  // The canonical text is one well-formed statement (analyst_subquery.sql says why it is wrapped).
  const wrapped = query('analyst_subquery').replace(STATEMENT_MARK, () => canonical)
  let ast: string[]
  try {
    ast = await lines(client, `${query('explain_ast')}\n${wrapped}`, params)
  } catch (e) {
    const first = (e as Error).message.split('\n')[0].slice(0, 300)
    if (PARAMETER_ERROR.test(first)) throw new QueryRefused(`a query parameter is missing or does not fit its type: ${first}; send each {name:Type} in "params"`, 'invalid_params')
    throw new QueryRefused(`the query API runs a plain SELECT, without INTO OUTFILE or FORMAT: ${first}`)
  }
  const early = syntaxRefusal(ast, database)
  if (early) throw new QueryRefused(early)
  const tree = await lines(client, `${query('explain_query_tree')}\n${wrapped}`, params)
  const late = treeRefusal(tree, database)
  if (late) throw new QueryRefused(late)
  const result = await client.query({ query: wrapped, query_params: params, format: 'JSONEachRow' })
  return result.json<Record<string, unknown>>()
}
