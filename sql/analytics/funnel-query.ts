// Runs a parsed funnel request (models/analytics/funnel-request.ts) as sql/queries/funnel.sql:
// every event name, property name and value goes in as a bound parameter.
import type { ClickHouseClient } from '@clickhouse/client'
import { MAX_TIME_MS } from '../../models/events/event-time.ts'
import { funnelAnswer, type FunnelAnswer, type FunnelGroup } from '../../models/analytics/funnel-answer.ts'
import type { FunnelRequest } from '../../models/analytics/funnel-request.ts'
import type { FilterValue, PropertyFilter } from '../../models/analytics/property-filter.ts'
import { namedQuery } from '../named-query.ts'

interface FunnelRow {
  is_total: number
  value: string | null
  persons: number[]
  median_seconds: Array<number | null>
  mean_seconds: Array<number | null>
  p90_seconds: Array<number | null>
  last_entry_ms: number
}

/** The SQL evaluates eq, in, is_set, contains and the number comparisons; the rest are their negations. */
const POSITIVE_OP: Record<PropertyFilter['op'], [string, number]> = {
  eq: ['eq', 0], neq: ['eq', 1], in: ['eq', 0], not_in: ['eq', 1], is_set: ['is_set', 0], is_not_set: ['is_set', 1],
  gt: ['gt', 0], gte: ['gte', 0], lt: ['lt', 0], lte: ['lte', 0], contains: ['contains', 0],
}

function kindOf(v: FilterValue): string {
  return typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'bool'
}

export function funnelParams(request: FunnelRequest): Record<string, unknown> {
  const filters = request.steps.flatMap((step, s) => step.filters.map((f) => ({ step: s + 1, f })))
  return {
    step_events: request.steps.map((s) => s.event),
    step_windows_ms: request.stepWindowsMs.map((w) => w ?? -1),
    window_ms: request.windowMs,
    order: request.order,
    filter_steps: filters.map((x) => x.step),
    filter_props: filters.map((x) => x.f.property),
    filter_ops: filters.map((x) => POSITIVE_OP[x.f.op][0]),
    filter_negate: filters.map((x) => POSITIVE_OP[x.f.op][1]),
    filter_kinds: filters.map((x) => x.f.values.map(kindOf)),
    filter_texts: filters.map((x) => x.f.values.map((v) => (typeof v === 'number' ? '' : String(v)))),
    filter_numbers: filters.map((x) => x.f.values.map((v) => (typeof v === 'number' ? String(v) : '0'))),
    exclusion_events: request.exclusions.map((x) => x.event),
    exclusion_from: request.exclusions.map((x) => x.fromStep),
    exclusion_to: request.exclusions.map((x) => x.toStep),
    held: request.holdConstant,
    breakdown: request.breakdown?.property ?? '',
    attribution: request.breakdown?.attribution ?? 'first_touch',
    attribution_step: (request.breakdown?.step ?? 0) + 1,
    from_ms: request.fromMs,
    to_ms: request.toMs,
    // The last time an event can have: a window running past it reads up to there.
    read_end_ms: Math.min(request.toMs + request.windowMs, MAX_TIME_MS),
  }
}

function groupOf(row: FunnelRow): FunnelGroup {
  return { persons: row.persons.map(Number), medianSeconds: row.median_seconds, meanSeconds: row.mean_seconds, p90Seconds: row.p90_seconds }
}

/**
 * The funnel of `request` as of `nowMs` (whose only use is the `incomplete` flag: an entry's
 * window still open at now). `client` is the read session for analysts, or any session of
 * Pulse's database for jobs.
 */
export async function runFunnel(client: ClickHouseClient, request: FunnelRequest, nowMs: number): Promise<FunnelAnswer> {
  const rows = await namedQuery<FunnelRow>(client, 'funnel', funnelParams(request))
  const total = rows.find((r) => Number(r.is_total) === 1)
  const empty: FunnelGroup = { persons: request.steps.map(() => 0), medianSeconds: [], meanSeconds: [], p90Seconds: [] }
  const lastEntry = total ? Number(total.last_entry_ms) : 0
  const incomplete = total !== undefined && lastEntry + request.windowMs >= nowMs
  const byValue = rows.filter((r) => Number(r.is_total) !== 1).map((r) => ({ value: r.value, group: groupOf(r) }))
  return funnelAnswer(request, total ? groupOf(total) : empty, byValue, incomplete)
}
