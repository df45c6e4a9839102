// The stickiness answer (README, "Stickiness"): per interval, how many persons were active in
// exactly n of its units, for every n from 1 to the units the interval has in the range.
import { type CalendarUnit, unitCount, unitsBetween, unitStart } from './calendar-units.ts'
import type { StickinessRequest } from './stickiness-request.ts'

/** One row of sql/queries/stickiness.sql: `persons` were active in `n` units of interval `interval`. */
export interface StickinessCount {
  interval: number
  n: number
  persons: number
}

export interface StickinessInterval {
  /** The interval's part of the range, ISO-8601 UTC, `to` excluded. */
  from: string
  to: string
  /** Units (of the period) the interval has in the range: the largest n possible. */
  units: number
  /** Persons active in at least one unit. */
  persons: number
  /** n = 1..units; `share` = persons / the interval's persons (0 when nobody was active). */
  counts: Array<{ n: number; persons: number; share: number }>
}

export interface StickinessAnswer {
  event: string
  period: CalendarUnit
  interval: CalendarUnit | null
  intervals: StickinessInterval[]
}

/** The intervals of the range: the whole range, or each calendar interval's part of it. */
function intervalBounds(request: StickinessRequest): Array<{ index: number; fromMs: number; toMs: number }> {
  const { interval, fromMs, toMs } = request
  if (interval === null) return [{ index: 0, fromMs, toMs }]
  return unitsBetween(fromMs, toMs, interval).map((index) => ({
    index,
    fromMs: Math.max(fromMs, unitStart(index, interval)),
    toMs: Math.min(toMs, unitStart(index + 1, interval)),
  }))
}

export function stickinessAnswer(request: StickinessRequest, counts: StickinessCount[]): StickinessAnswer {
  const intervals = intervalBounds(request).map(({ index, fromMs, toMs }) => {
    const units = unitCount(fromMs, toMs, request.period)
    const byN = new Map(counts.filter((c) => c.interval === index).map((c) => [c.n, c.persons]))
    const persons = [...byN.values()].reduce((a, b) => a + b, 0)
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      units,
      persons,
      counts: Array.from({ length: units }, (_, i) => {
        const n = byN.get(i + 1) ?? 0
        return { n: i + 1, persons: n, share: persons === 0 ? 0 : n / persons }
      }),
    }
  })
  return { event: request.event, period: request.period, interval: request.interval, intervals }
}
