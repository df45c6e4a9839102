// Calendar periods of retention and lifecycle (README, "Retention"): UTC days, weeks starting on
// Monday (ISO 8601) and calendar months, so every cohort and every cell is a whole period.
export const PERIOD_UNITS = ['day', 'week', 'month'] as const
export type PeriodUnit = (typeof PERIOD_UNITS)[number]

const DAY_MS = 86_400_000

/** Start (ms, UTC) of the period holding `ms`. */
export function periodStart(ms: number, unit: PeriodUnit): number {
  const d = new Date(ms)
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
  if (unit === 'day') return day
  // getUTCDay: 0 is Sunday; Monday starts the week.
  if (unit === 'week') return day - ((d.getUTCDay() + 6) % 7) * DAY_MS
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
}

/** The period start `k` periods after the period start `startMs` (k may be negative). */
export function addPeriods(startMs: number, k: number, unit: PeriodUnit): number {
  if (unit === 'day') return startMs + k * DAY_MS
  if (unit === 'week') return startMs + k * 7 * DAY_MS
  const d = new Date(startMs)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1)
}

/** How many periods from the period start `fromStart` to the period start `toStart`. */
export function periodsBetween(fromStart: number, toStart: number, unit: PeriodUnit): number {
  if (unit === 'day') return Math.round((toStart - fromStart) / DAY_MS)
  if (unit === 'week') return Math.round((toStart - fromStart) / (7 * DAY_MS))
  const a = new Date(fromStart)
  const b = new Date(toStart)
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth()
}
