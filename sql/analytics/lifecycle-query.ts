// Runs a parsed lifecycle request (models/analytics/lifecycle-request.ts) as
// sql/queries/lifecycle.sql: the event name, property names and values go in as bound parameters.
import type { ClickHouseClient } from '@clickhouse/client'
import { lifecycleAnswer, type LifecycleAnswer, type LifecycleCounts } from '../../models/analytics/lifecycle-answer.ts'
import type { LifecycleRequest } from '../../models/analytics/lifecycle-request.ts'
import { rangePeriodStart } from '../../models/analytics/period-range.ts'
import { namedQuery } from '../named-query.ts'
import { filterParams } from './filter-params.ts'

interface LifecycleRow {
  period: number
  status: keyof LifecycleCounts
  persons: number
}

export function lifecycleParams(request: LifecycleRequest): Record<string, unknown> {
  const { range } = request
  const filters = filterParams([request.activity.filters])
  delete filters.filter_groups
  return {
    event: request.activity.event,
    ...filters,
    unit: range.unit,
    start_ms: range.startMs,
    end_ms: rangePeriodStart(range, range.count),
    periods: range.count,
  }
}

/**
 * The lifecycle of `request` as of `nowMs` (whose only use is marking the periods not ended).
 * `client` is the read session for analysts, or any session of Pulse's database.
 */
export async function runLifecycle(client: ClickHouseClient, request: LifecycleRequest, nowMs: number): Promise<LifecycleAnswer> {
  const rows = await namedQuery<LifecycleRow>(client, 'lifecycle', lifecycleParams(request))
  const counts: LifecycleCounts = { new: [], returning: [], resurrecting: [], dormant: [] }
  for (const row of rows) counts[row.status][Number(row.period)] = Number(row.persons)
  return lifecycleAnswer(request, counts, nowMs)
}
