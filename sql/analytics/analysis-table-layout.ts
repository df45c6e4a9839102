// How the analysis table's parts lie in time (sql/queries/analysis_table_layout.sql), read before
// and after a compaction (pipelines/jobs/analysis-compaction.ts).
import type { ClickHouseClient } from '@clickhouse/client'
import { namedQuery } from '../named-query.ts'

export interface AnalysisLayout {
  parts: number
  rows: number
  /** Parts a day's rows lie in, on average: about 1 for a live stream's parts. */
  partsPerDay: number
}

export async function readAnalysisLayout(client: ClickHouseClient): Promise<AnalysisLayout> {
  const [row] = await namedQuery<{ parts: number; rows: number; parts_per_day: number }>(client, 'analysis_table_layout')
  return { parts: Number(row.parts), rows: Number(row.rows), partsPerDay: Math.round(Number(row.parts_per_day) * 100) / 100 }
}
