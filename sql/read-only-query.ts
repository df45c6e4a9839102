// Runs one analyst query read-only: ClickHouse's readonly=2 refuses every write, the time and row
// limits bound the cost, and `final` makes every ReplacingMergeTree read exact (one row per key).
import type { ClickHouseClient } from '@clickhouse/client'
import { singleStatement } from './statement-check.ts'

export interface QueryLimits {
  timeoutS: number
  maxRows: number
}

export class QueryRefused extends Error {}

const READ_STATEMENT = /^\s*(\(|select\b|with\b|show\b|describe\b|desc\b|explain\b|exists\b)/i

export async function runReadOnlyQuery(
  client: ClickHouseClient,
  sql: string,
  params: Record<string, unknown>,
  limits: QueryLimits,
): Promise<Record<string, unknown>[]> {
  const statement = singleStatement(sql)
  if (statement === null) throw new QueryRefused('send one statement per call (found a ";" followed by more SQL)')
  const text = statement.replace(/^\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/)*/g, '')
  if (!READ_STATEMENT.test(text)) {
    throw new QueryRefused('only read-only statements are allowed (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, EXISTS)')
  }
  const result = await client.query({
    query: statement,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: {
      readonly: '2',
      max_execution_time: limits.timeoutS,
      max_result_rows: String(limits.maxRows),
      result_overflow_mode: 'throw',
      final: 1,
      output_format_json_quote_64bit_integers: 0,
    },
  })
  return result.json<Record<string, unknown>>()
}
