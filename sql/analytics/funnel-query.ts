// Runs a parsed funnel request (models/analytics/funnel-request.ts) as sql/queries/funnel.sql:
// every event name, property name and value goes in as a bound parameter.
import type { ClickHouseClient } from '@clickhouse/client'
import { MAX_TIME_MS } from '../../models/events/event-time.ts'
import { conversionOverTime, type ConversionInterval } from '../../models/analytics/conversion-over-time.ts'
import { conversionTimeHistogram } from '../../models/analytics/conversion-time-histogram.ts'
import { funnelAnswer, type FunnelAnswer, type FunnelGroup } from '../../models/analytics/funnel-answer.ts'
import type { FunnelRequest } from '../../models/analytics/funnel-request.ts'
import { filterParams } from './filter-params.ts'
import { statementQuery } from '../named-query.ts'
import { query, withFilterPasses } from '../sql-files.ts'

interface FunnelRow {
  is_total: number
  value: string | null
  persons: number[]
  median_seconds: Array<number | null>
  mean_seconds: Array<number | null>
  p90_seconds: Array<number | null>
  last_entry_ms: number
  period_ms: number
  spans_ms: number[]
}

/** What one run of the walk answers beside the counts (sql/queries/funnel.sql, its header). */
export interface WalkOptions {
  /** Walk each entry day or week as a funnel of its own. */
  interval?: ConversionInterval
  /** One row per person: furthest step exactly (`dropped`) or at least (`converted`) `step` (0-based). */
  persons?: { status: 'dropped' | 'converted'; step: number; after: string; limit: number }
  /** Collect each path's time from step `from` to step `to` (0-based). */
  span?: { from: number; to: number }
}

export function funnelParams(request: FunnelRequest, options: WalkOptions = {}): Record<string, unknown> {
  // Filter i belongs to step filter_steps[i] (1-based), as filter_groups in the other analyses.
  const { filter_groups: filterSteps, ...filters } = filterParams(request.steps.map((s) => s.filters))
  return {
    step_events: request.steps.map((s) => s.event),
    step_windows_ms: request.stepWindowsMs.map((w) => w ?? -1),
    window_ms: request.windowMs,
    order: request.order,
    filter_steps: filterSteps,
    ...filters,
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
    interval: options.interval ?? '',
    persons_of: options.persons?.status ?? '',
    persons_level: (options.persons?.step ?? 0) + 1,
    after: options.persons?.after ?? '',
    limit: options.persons?.limit ?? Number.MAX_SAFE_INTEGER,
    span_from: options.span ? options.span.from + 1 : 0,
    span_to: options.span ? options.span.to + 1 : 0,
  }
}

/**
 * The funnel statement for `request`: the greedy walk where it is exact (ordered, no exclusion,
 * no step window, nothing held, the range walked as one), else the frames walk
 * (sql/queries/funnel.sql, its header); the filters' expression only when a step has filters.
 */
export function funnelStatement(request: FunnelRequest, options: WalkOptions = {}): string {
  const greedy = request.order === 'ordered' && request.exclusions.length === 0 && request.holdConstant.length === 0
    && request.stepWindowsMs.every((w) => w === null) && !options.interval
  const filtered = request.steps.some((s) => s.filters.length > 0)
  return withFilterPasses(query('funnel').replace('-- @walk', query(greedy ? 'funnel_walk_greedy' : 'funnel_walk_frames')), filtered)
}

/** Runs the funnel statement for `request` with these options. */
export async function funnelRows<T>(client: ClickHouseClient, request: FunnelRequest, options: WalkOptions = {}): Promise<T[]> {
  return statementQuery<T>(client, funnelStatement(request, options), funnelParams(request, options))
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
  const hist = request.histogram
  const rows = await funnelRows<FunnelRow>(client, request, hist ? { span: { from: hist.fromStep, to: hist.toStep } } : {})
  const total = rows.find((r) => Number(r.is_total) === 1)
  const empty: FunnelGroup = { persons: request.steps.map(() => 0), medianSeconds: [], meanSeconds: [], p90Seconds: [] }
  const lastEntry = total ? Number(total.last_entry_ms) : 0
  const incomplete = total !== undefined && lastEntry + request.windowMs >= nowMs
  const byValue = rows.filter((r) => Number(r.is_total) !== 1).map((r) => ({ value: r.value, group: groupOf(r) }))
  const answer = funnelAnswer(request, total ? groupOf(total) : empty, byValue, incomplete)
  if (hist) answer.histogram = conversionTimeHistogram(hist, (total?.spans_ms ?? []).map(Number))
  if (request.interval) answer.over_time = await runOverTime(client, request, request.interval, nowMs)
  return answer
}

/** The walk again with each entry period a funnel of its own: one row per period (without breakdown). */
async function runOverTime(client: ClickHouseClient, request: FunnelRequest, interval: ConversionInterval, nowMs: number) {
  const plain = { ...request, breakdown: null }
  const rows = await funnelRows<FunnelRow>(client, plain, { interval })
  const counts = rows
    .filter((r) => Number(r.is_total) === 1)
    .map((r) => ({ periodMs: Number(r.period_ms), persons: r.persons.map(Number), lastEntryMs: Number(r.last_entry_ms) }))
  return conversionOverTime(interval, { fromMs: request.fromMs, toMs: request.toMs, windowMs: request.windowMs, steps: request.steps.length }, counts, nowMs)
}
