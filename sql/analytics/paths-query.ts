// Runs a parsed paths request (models/analytics/paths-request.ts) as sql/queries/paths.sql: every
// event name goes in as a bound parameter.
import type { ClickHouseClient } from '@clickhouse/client'
import { pathsAnswer, type PathsAnswer, type PathTransitionCount } from '../../models/analytics/paths-answer.ts'
import type { PathsRequest } from '../../models/analytics/paths-request.ts'
import { namedQuery } from '../named-query.ts'

export function pathsParams(request: PathsRequest): Record<string, unknown> {
  return {
    from_ms: request.fromMs,
    to_ms: request.toMs,
    session_gap_ms: request.sessionGapMs,
    steps: request.steps,
    anchor: request.anchor ?? '',
    backward: request.direction === 'backward' ? 1 : 0,
    include_events: request.includeEvents,
    exclude_events: request.excludeEvents,
  }
}

/** `client` is the read session for analysts, or any session of Pulse's database for jobs. */
export async function runPaths(client: ClickHouseClient, request: PathsRequest): Promise<PathsAnswer> {
  const rows = await namedQuery<PathTransitionCount>(client, 'paths', pathsParams(request))
  const counts = rows.map((r) => ({ step: Number(r.step), source: r.source, target: r.target, paths: Number(r.paths) }))
  const persons = counts.find((c) => c.step === 0)?.paths ?? 0
  return pathsAnswer(request, counts.filter((c) => c.step > 0), persons)
}
