// Runs a parsed stickiness request (models/analytics/stickiness-request.ts) as
// sql/queries/stickiness.sql: the event name, property names and values go in as bound parameters.
import type { ClickHouseClient } from '@clickhouse/client'
import { stickinessAnswer, type StickinessAnswer, type StickinessCount } from '../../models/analytics/stickiness-answer.ts'
import type { StickinessRequest } from '../../models/analytics/stickiness-request.ts'
import { namedQuery } from '../named-query.ts'
import { propertyFilterParams } from './filter-params.ts'

export function stickinessParams(request: StickinessRequest): Record<string, unknown> {
  return {
    event: request.event,
    from_ms: request.fromMs,
    to_ms: request.toMs,
    period: request.period,
    interval: request.interval ?? '',
    ...propertyFilterParams(request.filters),
  }
}

/** `client` is the read session for analysts, or any session of Pulse's database for jobs. */
export async function runStickiness(client: ClickHouseClient, request: StickinessRequest): Promise<StickinessAnswer> {
  const rows = await namedQuery<StickinessCount>(client, 'stickiness', stickinessParams(request))
  return stickinessAnswer(request, rows.map((r) => ({ interval: Number(r.interval), n: Number(r.n), persons: Number(r.persons) })))
}
