// Runs one of the sql/queries/*.sql files (or a statement put together from them) with bound
// parameters and returns its rows.
import type { ClickHouseClient } from '@clickhouse/client'
import { query } from './sql-files.ts'

export async function namedQuery<T = Record<string, unknown>>(client: ClickHouseClient, name: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return statementQuery<T>(client, query(name), params)
}

/** The same for a statement put together from several of those files. */
export async function statementQuery<T = Record<string, unknown>>(client: ClickHouseClient, statement: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query: statement, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })
  return result.json<T>()
}
