// The time-to-convert histogram and conversion over time of a funnel answer as terminal tables.
import type { ConversionOverTime } from '../../models/analytics/conversion-over-time.ts'
import type { ConversionTimeHistogram } from '../../models/analytics/conversion-time-histogram.ts'
import { formatTable } from './row-printing.ts'

/** A bar per bin, the fullest one this wide. */
const BAR = 30

export function durationText(x: number | null): string {
  if (x === null) return ''
  if (x < 120) return `${x.toFixed(1)}s`
  if (x < 7200) return `${(x / 60).toFixed(1)}m`
  return x < 172_800 ? `${(x / 3600).toFixed(1)}h` : `${(x / 86_400).toFixed(1)}d`
}

export function formatHistogram(h: ConversionTimeHistogram): string {
  const most = Math.max(1, ...h.bins.map((b) => b.persons))
  const title = `time from step ${h.from_step} to step ${h.to_step}: ${h.persons} persons, median ${durationText(h.median_seconds) || '-'}`
  const rows = h.bins.map((b) => ({ from: durationText(b.lower_seconds), to: durationText(b.upper_seconds), persons: b.persons, '': '#'.repeat(Math.round((b.persons / most) * BAR)) }))
  return `${title}\n${formatTable(rows)}`
}

export function formatOverTime(o: ConversionOverTime): string {
  const rows = o.periods.map((p) => ({
    [o.interval]: p.period_start.slice(0, 10),
    entered: p.entered,
    converted: p.converted,
    conversion: `${(p.conversion * 100).toFixed(1)}%`,
    '': p.incomplete ? 'incomplete' : '',
  }))
  return `conversion by entry ${o.interval}\n${formatTable(rows)}`
}
