// Runs a parsed lifecycle request (models/analytics/lifecycle-request.ts) as
// sql/queries/lifecycle.sql: the event name, property names and values go in as bound parameters.
import type { ClickHouseClient } from '@clickhouse/client'
import { lifecycleAnswer, type LifecycleAnswer } from '../../models/analytics/lifecycle-answer.ts'
import type { LifecycleRequest } from '../../models/analytics/lifecycle-request.ts'
import { rangePeriodStart } from '../../models/analytics/period-range.ts'
import { namedQuery } from '../named-query.ts'
import { filterParams } from './filter-params.ts'

interface LifecycleRow {
  new: number[]
  returning: number[]
  resurrecting: number[]
  dormant: number[]
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
  const [row] = await namedQuery<LifecycleRow>(client, 'lifecycle', lifecycleParams(request))
  const numbers = (xs: number[] | undefined) => (xs ?? []).map(Number)
  return lifecycleAnswer(request, { new: numbers(row?.new), returning: numbers(row?.returning), resurrecting: numbers(row?.resurrecting), dormant: numbers(row?.dormant) }, nowMs)
}
