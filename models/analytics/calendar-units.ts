// Calendar units of UTC time for stickiness: days, weeks starting on Monday (as the NPS periods),
// months. A unit is numbered from the Unix epoch so that the SQL and this file agree on it:
// day = floor(ms / 86 400 000), week = floor((day + 3) / 7) (1970-01-01 was a Thursday),
// month = year * 12 + month - 1.
export const CALENDAR_UNITS = ['day', 'week', 'month'] as const
export type CalendarUnit = (typeof CALENDAR_UNITS)[number]

const DAY_MS = 86_400_000

export function unitIndex(ms: number, unit: CalendarUnit): number {
  const day = Math.floor(ms / DAY_MS)
  if (unit === 'day') return day
  if (unit === 'week') return Math.floor((day + 3) / 7)
  const d = new Date(ms)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

export function unitStart(index: number, unit: CalendarUnit): number {
  if (unit === 'day') return index * DAY_MS
  if (unit === 'week') return (index * 7 - 3) * DAY_MS
  return Date.UTC(Math.floor(index / 12), index % 12, 1)
}

/** How many units [from, to) touches (from < to): the first and last may lie partly outside it. */
export function unitCount(fromMs: number, toMs: number, unit: CalendarUnit): number {
  return unitIndex(toMs - 1, unit) - unitIndex(fromMs, unit) + 1
}

/** The units [from, to) touches, in order. */
export function unitsBetween(fromMs: number, toMs: number, unit: CalendarUnit): number[] {
  const first = unitIndex(fromMs, unit)
  return Array.from({ length: unitCount(fromMs, toMs, unit) }, (_, i) => first + i)
}
