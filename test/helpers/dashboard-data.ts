// A small known dataset for the dashboard tests: a seeded simulation of a service platform sent
// through the tracking API of a test Pulse whose clock is fixed at the end of the simulated
// period, one event that is dead-lettered, the value models refitted, every batch processed.
import { runSimulate } from '../../pipelines/cli/simulate-command.ts'
import type { RunningPulse } from '../../pipelines/pulse-app.ts'
import { ADMIN_KEY, basicAuth, postJson, startTestPulse, untilProcessed, WRITE_KEY } from './test-pulse.ts'

export const SIM_START = '2026-02-01'
export const SIM_DAYS = 240
export const SIM_START_MS = Date.parse(`${SIM_START}T00:00:00Z`)
/** The fixed clock: the end of the simulated period. */
export const SIM_NOW_MS = SIM_START_MS + SIM_DAYS * 86_400_000

export interface DashboardDataset {
  pulse: RunningPulse
  /** POST /api/ltv/refresh's answer. */
  fit: Record<string, unknown> & { bgnbd: Record<string, unknown> & { se: Record<string, number | null> } }
}

export async function startPulseWithDataset(name: string, customers: number): Promise<DashboardDataset> {
  const pulse = await startTestPulse(name, { now: SIM_NOW_MS })
  const summary = await runSimulate({ customers, days: SIM_DAYS, start: SIM_START, seed: 7, rate: 0, url: pulse.url, batch: 200, concurrency: 4 }, pulse.config, true)
  if (!summary.sent || summary.sent.sent !== summary.events) throw new Error(`the simulation's events were not all accepted: ${JSON.stringify(summary.sent)}`)
  // A track call without an event name: stored as a dead letter (missing_event_name).
  const res = await postJson(pulse.url + '/v1/batch', { batch: [{ type: 'track', userId: 'u-broken', timestamp: new Date(SIM_NOW_MS - 3_600_000).toISOString() }] }, { authorization: basicAuth(WRITE_KEY) })
  if (res.status !== 200) throw new Error(`the broken event was answered ${res.status}`)
  await untilProcessed(pulse, 60_000)
  const refit = await postJson(pulse.url + '/api/ltv/refresh', { as_of: new Date(SIM_NOW_MS - 1).toISOString() }, { authorization: `Bearer ${ADMIN_KEY}` })
  const body = (await refit.json()) as { fit: DashboardDataset['fit'] }
  if (refit.status !== 200) throw new Error(`the refit answered ${refit.status}: ${JSON.stringify(body)}`)
  // The refit moves the value tags' thresholds: every person is re-tagged before the pages are read.
  await pulse.profiles?.afterRefit()
  await untilProcessed(pulse, 60_000)
  return { pulse, fit: body.fit }
}
