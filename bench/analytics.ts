// bench/analytics: the analyst's queries on a large data set in the embedded engine.
// 1. Load: N simulated events of M persons (bench/analytics-data.ts) into a fresh engine in a temp
//    folder, in time order as the stream delivers them or person after person as an import of
//    per-customer histories does (--load-order, bench/analytics-load.ts).
// 2. Time each analysis on the analysis session the API uses (sealed with the read limits: nice 19, one thread per core by default): a cold
//    run after the engine's caches are dropped, then the median of warm runs, with the process's
//    peak RSS; beside them the engine's own windowFunnel over the same rows as the floor.
// Usage: npm run bench:analytics -- [--events 20000000] [--persons 1000000] [--bots 20]
//        [--bot-events 5000] [--runs 3] [--only NAME] [--data-dir DIR]
//        [--query-threads N] [--query-timeout-s 30] [--load-order time|person]
// --query-threads, --query-timeout-s: the sealed sessions' limits as `pulse serve` takes them (defaults: one thread per core, 30 s).
// --data-dir keeps the engine's folder there and loads only when it holds no events yet (to time
// the queries again on the same data).
// First: the engine's allocator options are read when chdb loads.
import './engine-allocator-setup.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { parseLifecycleRequest } from '../models/analytics/lifecycle-request.ts'
import { parsePathsRequest } from '../models/analytics/paths-request.ts'
import { parseStickinessRequest } from '../models/analytics/stickiness-request.ts'
import { parseRetentionRequest } from '../models/analytics/retention-request.ts'
import { parseFunnelRequest } from '../models/analytics/funnel-request.ts'
import { runLifecycle } from '../sql/analytics/lifecycle-query.ts'
import { runPaths } from '../sql/analytics/paths-query.ts'
import { runStickiness } from '../sql/analytics/stickiness-query.ts'
import { runRetention } from '../sql/analytics/retention-query.ts'
import { runFunnel } from '../sql/analytics/funnel-query.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { defaultQueryLimits } from '../sql/read-path/read-session-settings.ts'
import { migrate } from '../sql/migrate.ts'
import { namedQuery } from '../sql/named-query.ts'
import { query } from '../sql/sql-files.ts'
import { loadAnalyticsData, type LoadOrder } from './analytics-load.ts'
import { peakRssMb, timeAnalysis, timingLine } from './analytics-timing.ts'
import { fmt } from './bench-harness.ts'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000000' },
    persons: { type: 'string', default: '1000000' },
    bots: { type: 'string', default: '20' },
    'bot-events': { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    'data-dir': { type: 'string' },
    'query-threads': { type: 'string', default: String(defaultQueryLimits.threads) },
    'query-timeout-s': { type: 'string', default: String(defaultQueryLimits.timeoutS) },
    'load-order': { type: 'string', default: 'time' },
  },
})
const DAY = 86_400_000
const START = Date.UTC(2026, 0, 1)
const DAYS = 365
const NOW = START + DAYS * DAY

/** Waits for the background merges the load left (at most 10 minutes), so they do not run under the timings. */
async function settle(ch: ClickHouse): Promise<void> {
  const started = performance.now()
  let state: EngineState
  for (;;) {
    ;[state] = await namedQuery<EngineState>(ch.client, 'bench_engine_state')
    if (Number(state.merges) === 0 || performance.now() - started > 600_000) break
    await new Promise((r) => setTimeout(r, 1000))
  }
  console.log(`  events_by_day: ${fmt(Number(state.rows))} rows in ${state.parts} parts, ${(Number(state.bytes_on_disk) / 1024 ** 2).toFixed(0)} MB on disk; merges settled after ${((performance.now() - started) / 1000).toFixed(1)} s (${state.merges} still running)`)
}

interface EngineState {
  merges: number
  parts: number
  rows: number
  bytes_on_disk: number
  tracked_bytes: number
}

const FIVE_STEPS = ['Product Viewed', 'Product Added', 'Checkout Started', 'Payment Info Entered', 'Order Completed']
const MONTH = { from: '2026-11-01', to: '2026-12-01' }
const WHOLE = { from: '2026-01-01', to: '2027-01-01' }

function funnelBody(range: { from: string; to: string }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { steps: FIVE_STEPS.map((event) => ({ event })), window: '7d', ...range, ...extra }
}

interface Analysis {
  name: string
  run: (ch: ClickHouse) => Promise<string>
}

function funnel(name: string, body: Record<string, unknown>): Analysis {
  const request = parseFunnelRequest(body, NOW)
  return {
    name,
    run: async (ch) => {
      const answer = await runFunnel(ch.analysisClient!, request, NOW)
      const groups = answer.breakdown.length > 0 ? `, ${answer.breakdown.length} breakdown values` : ''
      return `persons per step ${answer.steps.map((s) => fmt(s.persons)).join(' / ')}${groups}`
    },
  }
}

function windowFunnelFloor(name: string, range: { from: string; to: string }): Analysis {
  const request = parseFunnelRequest(funnelBody(range), NOW)
  return {
    name,
    run: async (ch) => {
      const rows = await namedQuery<{ level: number; persons: number }>(ch.analysisClient!, 'bench_window_funnel', {
        step_events: FIVE_STEPS, window_ms: request.windowMs, from_ms: request.fromMs, to_ms: request.toMs, read_end_ms: request.toMs + request.windowMs,
      })
      const reached = FIVE_STEPS.map((_, k) => rows.filter((r) => Number(r.level) >= k + 1).reduce((n, r) => n + Number(r.persons), 0))
      return `persons per step ${reached.map(fmt).join(' / ')}`
    },
  }
}

function retention(name: string, body: Record<string, unknown>): Analysis {
  const request = parseRetentionRequest(body, NOW)
  return {
    name,
    run: async (ch) => {
      const answer = await runRetention(ch.analysisClient!, request, NOW)
      const sizes = answer.cohorts.map((c) => c.size)
      return `${sizes.length} cohorts, ${fmt(sizes.reduce((a, b) => a + b, 0))} persons`
    },
  }
}

function lifecycle(name: string, body: Record<string, unknown>): Analysis {
  const request = parseLifecycleRequest(body, NOW)
  return {
    name,
    run: async (ch) => {
      const answer = await runLifecycle(ch.analysisClient!, request, NOW)
      return `${answer.periods.length} periods`
    },
  }
}

function paths(name: string, body: Record<string, unknown>): Analysis {
  const request = parsePathsRequest(body, NOW)
  return {
    name,
    run: async (ch) => {
      const answer = await runPaths(ch.analysisClient!, request)
      return `${fmt(answer.paths)} paths of ${fmt(answer.persons)} persons, ${answer.links.length} links`
    },
  }
}

function stickiness(name: string, body: Record<string, unknown>): Analysis {
  const request = parseStickinessRequest(body, NOW)
  return {
    name,
    run: async (ch) => {
      const answer = await runStickiness(ch.analysisClient!, request)
      return `${answer.intervals.length} interval${answer.intervals.length === 1 ? '' : 's'}`
    },
  }
}

// The analyses timed, in order: the funnels beside the floor, a 12 x 12 weekly retention table, a
// weekly lifecycle, paths from sign-up and daily stickiness over the last quarter.
const TWELVE_WEEKS = { from: new Date(NOW - 12 * 7 * DAY).toISOString(), to: new Date(NOW).toISOString() }
const ANALYSES: Analysis[] = [
  windowFunnelFloor('windowFunnel floor, 5 steps, 7d, a month', MONTH),
  funnel('funnel 5 steps, 7d, a month', funnelBody(MONTH)),
  funnel('funnel 5 steps, 7d, the whole year', funnelBody(WHOLE)),
  windowFunnelFloor('windowFunnel floor, 5 steps, 7d, the whole year', WHOLE),
  funnel('funnel 5 steps, a month, breakdown by channel', funnelBody(MONTH, { breakdown: { property: 'channel', attribution: 'first_touch' } })),
  funnel('funnel 5 steps, a month, exclusion Cart Emptied 1->3', funnelBody(MONTH, { exclusions: [{ event: 'Cart Emptied', from_step: 1, to_step: 3 }] })),
  funnel('funnel 5 steps, a month, strict order', funnelBody(MONTH, { order: 'strict' })),
  funnel('funnel 5 steps, a month, any order', funnelBody(MONTH, { order: 'any' })),
  retention('retention 12 x 12 weekly, Signed Up then Logged In', { cohort_event: { event: 'Signed Up' }, return_event: { event: 'Logged In' }, period: 'week', periods: 12, ...TWELVE_WEEKS }),
  lifecycle('lifecycle weekly, Logged In, 12 weeks', { event: 'Logged In', period: 'week', ...TWELVE_WEEKS }),
  paths('paths from Signed Up, 5 steps, top 20, 12 weeks', { start_event: 'Signed Up', steps: 5, top: 20, ...TWELVE_WEEKS }),
  stickiness('stickiness, days active with Logged In, 12 weeks', { event: 'Logged In', period: 'day', ...TWELVE_WEEKS }),
]

const events = Number(values.events)
const persons = Number(values.persons)
const runs = Number(values.runs)
const threads = Number(values['query-threads'])
console.log(`bench/analytics: ${fmt(events)} events, ${fmt(persons)} persons, ${os.cpus().length} cores; analyses on the analysis session (${threads} thread${threads === 1 ? '' : 's'}, its other limits as in pulse serve)`)
const dir = values['data-dir'] ?? mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-analytics-'))
const ch = await openClickHouse({ user: 'default', password: '', database: 'bench_analytics', embeddedPath: path.join(dir, 'clickhouse'), readLimits: { ...defaultQueryLimits, threads, timeoutS: Number(values['query-timeout-s']) } })
try {
  await migrate(ch.client)
  const [before] = await namedQuery<EngineState>(ch.client, 'bench_engine_state')
  const order = values['load-order'] as LoadOrder
  if (order !== 'time' && order !== 'person') throw new Error(`--load-order is time or person, not ${order}`)
  const data = { events, persons, bots: Number(values.bots), botEvents: Number(values['bot-events']), startMs: START, days: DAYS, seed: 1 }
  if (Number(before.rows) === 0) await loadAnalyticsData(ch, data, order, path.join(dir, 'load-spool'))
  else console.log(`  reusing the events in ${dir}`)
  await settle(ch)
  const dropCaches = async () => {
    await ch.client.command({ query: query('bench_drop_caches') })
  }
  for (const analysis of ANALYSES) {
    if (values.only && !analysis.name.includes(values.only)) continue
    let answer = ''
    try {
      const timing = await timeAnalysis(async () => (answer = await analysis.run(ch)), dropCaches, runs)
      console.log(timingLine(analysis.name, timing, answer))
    } catch (err) {
      console.log(`  ${analysis.name}: failed: ${(err as Error).message.split('\n')[0]}`)
    }
  }
  const [state] = await namedQuery<EngineState>(ch.client, 'bench_engine_state')
  console.log(`  engine memory tracked now ${(Number(state.tracked_bytes) / 1024 ** 2).toFixed(0)} MB; process peak RSS ${peakRssMb().toFixed(0)} MB (load included)`)
} finally {
  await ch.close()
  if (!values['data-dir']) rmSync(dir, { recursive: true, force: true })
}
