// Conversion over time (README, "Funnels", conversion over time): each day or week (Monday 00:00
// UTC) of the range is a funnel of its own over the entries in it, so a person counts in every
// period it entered in, at its furthest step from those entries.
import { AnalysisRequestError } from './request-error.ts'

export const INTERVALS = ['day', 'week'] as const
export type ConversionInterval = (typeof INTERVALS)[number]

const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS
/** 1970-01-01 was a Thursday: Monday-based weeks start 3 days before the epoch's multiples. */
const MONDAY_SHIFT_MS = 3 * DAY_MS
/** More periods than a chart can show: a longer interval or a shorter range answers the question. */
export const MAX_PERIODS = 1000

export interface PeriodCounts {
  periodMs: number
  /** Persons per step (index k: furthest step k or later). */
  persons: number[]
  /** The latest entry time in the period. */
  lastEntryMs: number
}

export interface ConversionPeriod {
  period_start: string
  entered: number
  converted: number
  conversion: number
  incomplete: boolean
}

export interface ConversionOverTime {
  interval: ConversionInterval
  periods: ConversionPeriod[]
}

export function periodStart(ms: number, interval: ConversionInterval): number {
  if (interval === 'day') return Math.floor(ms / DAY_MS) * DAY_MS
  return Math.floor((ms + MONDAY_SHIFT_MS) / WEEK_MS) * WEEK_MS - MONDAY_SHIFT_MS
}

function periodLength(interval: ConversionInterval): number {
  return interval === 'day' ? DAY_MS : WEEK_MS
}

/** The interval of a request body (null when absent); refuses a range of more than MAX_PERIODS periods. */
export function parseInterval(raw: unknown, fromMs: number, toMs: number): ConversionInterval | null {
  if (raw === undefined || raw === null) return null
  if (!INTERVALS.includes(raw as ConversionInterval)) throw new AnalysisRequestError('interval', `expected one of ${INTERVALS.join(', ')}, got ${JSON.stringify(raw)}`)
  const interval = raw as ConversionInterval
  const periods = (periodStart(toMs - 1, interval) - periodStart(fromMs, interval)) / periodLength(interval) + 1
  if (periods > MAX_PERIODS) throw new AnalysisRequestError('interval', `the range has ${periods} ${interval}s, more than ${MAX_PERIODS}: use a longer interval or a shorter range`)
  return interval
}

/**
 * Every period of [from, to), empty ones included. A period is incomplete while the window of one
 * of its entries has not closed at now (entry + window >= now), as the funnel's own flag.
 */
export function conversionOverTime(
  interval: ConversionInterval,
  range: { fromMs: number; toMs: number; windowMs: number; steps: number },
  counts: readonly PeriodCounts[],
  nowMs: number,
): ConversionOverTime {
  const byPeriod = new Map(counts.map((c) => [c.periodMs, c]))
  const periods: ConversionPeriod[] = []
  for (let p = periodStart(range.fromMs, interval); p < range.toMs; p += periodLength(interval)) {
    const c = byPeriod.get(p)
    const entered = c?.persons[0] ?? 0
    const converted = c?.persons[range.steps - 1] ?? 0
    periods.push({
      period_start: new Date(p).toISOString(),
      entered,
      converted,
      conversion: entered === 0 ? 0 : converted / entered,
      incomplete: c !== undefined && c.lastEntryMs + range.windowMs >= nowMs,
    })
  }
  return { interval, periods }
}
