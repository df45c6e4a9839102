// Recomputes persons' features, tags, health and alerts as of one `now`, stores what changed and
// publishes it. Shared by the processor's profile stage (the persons a batch touched) and the
// sweep (persons whose time-only rules may have flipped, or everyone after a threshold moved).
import type { ClickHouseClient } from '@clickhouse/client'
import type { Alert, TagChange } from '../../models/tags/tag-change.ts'
import type { ClickHouse } from '../../sql/clickhouse-client.ts'
import { readFactsText } from '../../sql/profiles/person-features-reader.ts'
import { readPersonValues, readProfileStates, storeAlerts, type ValueThresholds } from '../../sql/profiles/profile-store.ts'
import { insertProfileRows } from '../../sql/writers/profile-writer.ts'
import type { ProfileComputer } from './profile-compute-thread.ts'
import type { ProfileStateCache } from './profile-state-cache.ts'

export interface RecomputeDeps {
  client: ClickHouseClient
  /** The large inserts go as TabSeparated (a spooled file on the embedded engine). */
  insert: Pick<ClickHouse, 'insertTabSeparated'>
  /** Where the features are counted and the rules evaluated (profile-compute-thread.ts). */
  computer: ProfileComputer
  idsOf(personId: string): string[]
  thresholds(): ValueThresholds
  publish(changes: TagChange[], alerts: Alert[]): Promise<void>
  /** A number larger than any earlier call's, across restarts (the newest stored state wins). */
  version(): number
  /** The stored states already known; the others are read from the engine. */
  states: ProfileStateCache
  /** Fault injection (--fault-fail-tag-state-stores): throws to fail the store of the states. */
  beforeStateStore?: () => void
}

export interface RecomputeResult {
  persons: number
  changes: TagChange[]
  alerts: Alert[]
}

/** `merged`: persons that no longer exist (merged into another); each loses its tags. */
export async function recomputePersons(deps: RecomputeDeps, persons: string[], now: number, merged: Array<{ personId: string; into: string }> = []): Promise<RecomputeResult> {
  const all = [...persons, ...merged.map((m) => m.personId)]
  try {
    return await recompute(deps, persons, now, merged, all)
  } catch (err) {
    // Some of the states may be stored and some not: the engine is the truth again.
    deps.states.forget(all)
    throw err
  }
}

async function recompute(deps: RecomputeDeps, persons: string[], now: number, merged: Array<{ personId: string; into: string }>, all: string[]): Promise<RecomputeResult> {
  const T0 = performance.now()
  const missing: string[] = []
  const known = deps.states.lookup(all, missing)
  for (const [p, state] of await readProfileStates(deps.client, missing)) known.set(p, state)
  const T1 = performance.now()
  const withIds = persons.map((p) => ({ personId: p, ids: deps.idsOf(p) }))
  const factsText = await readFactsText(deps.client, withIds.flatMap((p) => p.ids), now)
  const T2 = performance.now()
  const thresholds = deps.thresholds()
  // No converged fit, no scores: one round trip fewer per run until the first fit.
  const values = thresholds.scored === false ? new Map() : await readPersonValues(deps.client, persons)
  const T3 = performance.now()
  const result = await deps.computer.compute({
    now,
    persons: withIds,
    factsText,
    stored: [...known.values()].map((s) => [s.personId, s.tags, s.alertsActive]),
    values: [...values].map(([p, v]) => [p, v.clv, v.tier]),
    thresholds,
    merged,
    version: deps.version(),
  })
  // History, then publishing, then the states: a failure before the states are stored leaves the
  // old states, so the redelivered batch finds the same changes and publishes them again (at least
  // once; the stream drops a copy with the same id). Published last, a change could be lost.
  const T4 = performance.now()
  await storeAlerts(deps.client, result.alerts)
  await insertProfileRows(deps.insert, 'history', result.history)
  const T5 = performance.now()
  await deps.publish(result.changes, result.alerts)
  const T6 = performance.now()
  deps.beforeStateStore?.()
  await insertProfileRows(deps.insert, 'states', result.states)
  await insertProfileRows(deps.insert, 'profiles', result.profiles)
  if (process.env.PT) console.error(`RECOMP n=${persons.length} miss=${missing.length} states=${(T1-T0)|0} facts=${(T2-T1)|0} values=${(T3-T2)|0} compute=${(T4-T3)|0} hist=${(T5-T4)|0} pub=${(T6-T5)|0} rest=${(performance.now()-T6)|0}`)
  for (const [p, tags, alertsActive] of result.held) deps.states.stored(p, tags, alertsActive)
  return { persons: result.held.length, changes: result.changes, alerts: result.alerts }
}
