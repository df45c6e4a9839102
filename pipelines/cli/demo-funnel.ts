// The demo's purchase funnel: persons (ids stitched, so a visitor's anonymous page view and the
// user it signs up as are one person) from their first visit to an order within 30 days, over the
// simulated year, through the same library call as POST /api/funnels (README, Funnels), printed
// with its drop-offs.
import { parseFunnelRequest } from '../../models/analytics/funnel-request.ts'
import { JOURNEY_STEPS } from '../../models/simulation/simulation-params.ts'
import { runFunnel } from '../../sql/analytics/funnel-query.ts'
import type { RunningPulse } from '../pulse-app.ts'

const DAY = 86_400_000

const percent = (share: number) => `${(100 * share).toFixed(1)}%`
const duration = (seconds: number | null) => (seconds === null ? '' : seconds < 3600 ? `${(seconds / 60).toFixed(1)} min` : `${(seconds / 3600).toFixed(1)} h`)

export async function demoFunnel(pulse: RunningPulse, now: number): Promise<{ rows: Record<string, unknown>[]; biggestDrop: string }> {
  const steps = ['$pageview', 'Signed Up', ...JOURNEY_STEPS.filter((e) => e !== 'Services Browsed' && e !== 'Product Added')]
  const request = parseFunnelRequest({ steps: steps.map((event) => ({ event })), window: '30d', from: new Date(now - 366 * DAY).toISOString(), to: new Date(now + 1).toISOString() }, now)
  const answer = await runFunnel(pulse.clickhouse.readClient ?? pulse.clickhouse.client, request, now)
  const rows = answer.steps.map((s) => ({
    step: s.event,
    persons: s.persons,
    'of start': percent(s.conversion_from_start),
    'of previous': percent(s.conversion_from_previous),
    'drop-off': s.drop_off,
    'median time from previous': duration(s.median_seconds_from_previous),
  }))
  const worst = answer.steps.slice(1).reduce((w, s) => (s.conversion_from_previous < w.conversion_from_previous ? s : w), answer.steps[1])
  const i = answer.steps.indexOf(worst)
  return { rows, biggestDrop: `the largest drop-off is into "${worst.event}": ${percent(1 - worst.conversion_from_previous)} of the persons who reached "${answer.steps[i - 1].event}" stopped there` }
}
