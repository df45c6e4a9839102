// Durations of analysis requests: `<n>s|m|h|d|w`, a whole positive number of one unit.
import { AnalysisRequestError } from './request-error.ts'

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** The longest window Pulse accepts: ten years, past every retention a funnel reads. */
export const MAX_DURATION_MS = 3650 * 86_400_000

/** Milliseconds of a duration text such as `7d`; throws naming `field` when it is not one. */
export function parseDuration(value: unknown, field: string): number {
  const m = typeof value === 'string' ? /^([1-9]\d{0,9})([smhdw])$/.exec(value) : null
  if (!m) throw new AnalysisRequestError(field, `expected a duration such as "30m", "12h", "7d" or "2w" (a whole number of s, m, h, d or w), got ${JSON.stringify(value)}`)
  const ms = Number(m[1]) * UNIT_MS[m[2]]
  if (ms > MAX_DURATION_MS) throw new AnalysisRequestError(field, `${value} is longer than the 3650 days allowed`)
  return ms
}
