// The demo's purchase funnel, the dashboards' default one: persons (ids stitched, so a visitor's
// anonymous page view and the user it signs up as are one person) from their first visit to an
// order within 30 days, over the simulated year, through the same library call as POST
// /api/funnels (README, Funnels), printed with its drop-offs.
import { parseFunnelRequest } from '../../models/analytics/funnel-request.ts'
import { DEFAULT_FUNNELS } from '../../models/dashboards/dashboard-funnels.ts'
import { runFunnel } from '../../sql/analytics/funnel-query.ts'
import { largestDropOff } from '../dashboards/funnels-page.ts'
import type { RunningPulse } from '../pulse-app.ts'

const DAY = 86_400_000

const percent = (share: number) => `${(100 * share).toFixed(1)}%`
const duration = (seconds: number | null) => (seconds === null ? '' : seconds < 3600 ? `${(seconds / 60).toFixed(1)} min` : `${(seconds / 3600).toFixed(1)} h`)

export async function demoFunnel(pulse: RunningPulse, now: number): Promise<{ rows: Record<string, unknown>[]; biggestDrop: string }> {
  const request = parseFunnelRequest({ ...DEFAULT_FUNNELS[0].body, from: new Date(now - 366 * DAY).toISOString(), to: new Date(now + 1).toISOString() }, now)
  const answer = await runFunnel(pulse.clickhouse.analysisClient ?? pulse.clickhouse.client, request, now)
  const rows = answer.steps.map((s) => ({
    step: s.event,
    persons: s.persons,
    'of start': percent(s.conversion_from_start),
    'of previous': percent(s.conversion_from_previous),
    'drop-off': s.drop_off,
    'median time from previous': duration(s.median_seconds_from_previous),
  }))
  return { rows, biggestDrop: largestDropOff(answer.steps) }
}
