// Runs a parsed retention request (models/analytics/retention-request.ts) as
// sql/queries/retention.sql: every event name, property name and value goes in as a bound parameter.
import type { ClickHouseClient } from '@clickhouse/client'
import { MAX_TIME_MS } from '../../models/events/event-time.ts'
import { rangePeriodStart } from '../../models/analytics/period-range.ts'
import { retentionAnswer, type RetentionAnswer, type RetentionCounts } from '../../models/analytics/retention-answer.ts'
import type { RetentionRequest } from '../../models/analytics/retention-request.ts'
import { statementQuery } from '../named-query.ts'
import { query, withFilterPasses } from '../sql-files.ts'
import { filterParams } from './filter-params.ts'

interface RetentionRow {
  is_total: number
  cohort: number
  /** -1 for the cohort's size. */
  offset: number
  value: string | null
  persons: number
}

export function retentionParams(request: RetentionRequest): Record<string, unknown> {
  const { range, periods } = request
  return {
    cohort_event: request.cohortEvent.event,
    return_event: request.returnEvent.event,
    ...filterParams([request.cohortEvent.filters, request.returnEvent.filters]),
    unit: range.unit,
    recurring: request.cohortType === 'recurring' ? 1 : 0,
    on_or_after: request.retentionType === 'on_or_after' ? 1 : 0,
    start_ms: range.startMs,
    end_ms: rangePeriodStart(range, range.count),
    cohorts: range.count,
    offsets: periods,
    // `on` needs nothing past the last cohort's last offset; `on_or_after` counts any later return.
    read_end_ms: request.retentionType === 'on' ? Math.min(rangePeriodStart(range, range.count - 1 + periods), MAX_TIME_MS + 1) : MAX_TIME_MS + 1,
    breakdown: request.breakdown?.property ?? '',
  }
}

function add(counts: RetentionCounts, row: RetentionRow, periods: number): void {
  const cohort = Number(row.cohort)
  let found = counts.get(cohort)
  if (!found) counts.set(cohort, (found = { size: 0, persons: Array.from({ length: periods }, () => 0) }))
  const offset = Number(row.offset)
  if (offset < 0) found.size = Number(row.persons)
  else found.persons[offset] = Number(row.persons)
}

/**
 * The retention table of `request` as of `nowMs` (whose only use is marking the cells whose period
 * had not ended). `client` is the read session for analysts, or any session of Pulse's database.
 */
export async function runRetention(client: ClickHouseClient, request: RetentionRequest, nowMs: number): Promise<RetentionAnswer> {
  const filtered = request.cohortEvent.filters.length + request.returnEvent.filters.length > 0
  const rows = await statementQuery<RetentionRow>(client, withFilterPasses(query('retention'), filtered), retentionParams(request))
  const total: RetentionCounts = new Map()
  const byValue = new Map<string | null, RetentionCounts>()
  for (const row of rows) {
    if (Number(row.is_total) === 1) {
      add(total, row, request.periods)
      continue
    }
    let group = byValue.get(row.value)
    if (!group) byValue.set(row.value, (group = new Map()))
    add(group, row, request.periods)
  }
  return retentionAnswer(request, total, [...byValue].map(([value, counts]) => ({ value, counts })), nowMs)
}
