// Recomputes persons' features, tags, health and alerts as of one `now`, stores what changed and
// publishes it. Shared by the processor's profile stage (the persons a batch touched) and the
// sweep (persons whose time-only rules may have flipped, or everyone after a threshold moved).
import type { ClickHouseClient } from '@clickhouse/client'
import type { PersonFeatures } from '../../models/tags/person-features.ts'
import type { Alert, TagChange, TagLayer } from '../../models/tags/tag-change.ts'
import { diffTags } from '../../models/tags/tag-evaluation.ts'
import type { ProfileRules } from './profile-rules.ts'
import type { ProfileStateCache } from './profile-state-cache.ts'
import type { ClickHouse } from '../../sql/clickhouse-client.ts'
import { readPersonValues, readProfileStates, storeAlerts, type ValueThresholds } from '../../sql/profiles/profile-store.ts'
import { storeProfiles, storeTagHistory, storeTagStates, type ProfileRow } from '../../sql/writers/profile-writer.ts'

export interface RecomputeDeps {
  client: ClickHouseClient
  /** The large inserts go as TabSeparated (a spooled file on the embedded engine). */
  insert: Pick<ClickHouse, 'insertTabSeparated'>
  rules: ProfileRules
  readFeatures(persons: Array<{ personId: string; ids: string[] }>, now: number): Promise<PersonFeatures[]>
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

/** Far in the future: no rule of this person changes with time alone. */
export const NEVER = Date.UTC(2299, 11, 31)

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
  const missing: string[] = []
  const stored = deps.states.lookup(all, missing)
  for (const [p, state] of await readProfileStates(deps.client, missing)) stored.set(p, state)
  const features = await deps.readFeatures(persons.map((p) => ({ personId: p, ids: deps.idsOf(p) })), now)
  const thresholds = deps.thresholds()
  // No converged fit, no scores: one round trip fewer per run until the first fit.
  const values = thresholds.scored === false ? new Map() : await readPersonValues(deps.client, persons)
  const changes: TagChange[] = []
  const alerts: Alert[] = []
  const profiles: ProfileRow[] = []
  for (const f of features) {
    const before = stored.get(f.personId)
    const evaluation = deps.rules.evaluate(f, values.get(f.personId) ?? { clv: null, tier: null }, thresholds, now)
    const previous = new Map<string, { layer: TagLayer }>((before?.tags ?? []).map((tag) => [tag, { layer: deps.rules.layerOf(tag) }]))
    changes.push(...diffTags(previous, evaluation, f.personId, f.ids, now))
    // An alert is raised when its condition begins, not again while it holds.
    const conditions = deps.rules.alerts(f, now)
    const wasActive = new Set(before?.alertsActive ?? [])
    for (const [key, alert] of conditions) if (!wasActive.has(key)) alerts.push(alert)
    profiles.push({
      personId: f.personId, ids: f.ids, features: JSON.stringify(f), tags: evaluation.held.map((t) => t.tag).sort(), alertsActive: [...conditions.keys()].sort(),
      health: deps.rules.health(f), computedAt: now, nextChangeAt: Math.min(NEVER, deps.rules.nextChange(f, now) ?? NEVER), mergedInto: '',
    })
  }
  for (const m of merged) {
    const before = stored.get(m.personId)
    for (const tag of before?.tags ?? []) changes.push({ personId: m.personId, ids: [], tag, layer: deps.rules.layerOf(tag), change: 'removed', at: now, reason: { merged_into: m.into } })
    profiles.push({ personId: m.personId, ids: [], features: '{}', tags: [], alertsActive: [], health: null, computedAt: now, nextChangeAt: NEVER, mergedInto: m.into })
  }
  const version = deps.version()
  // History, then publishing, then the states: a failure before the states are stored leaves the
  // old states, so the redelivered batch finds the same changes and publishes them again (at least
  // once; the stream drops a copy with the same id). Published last, a change could be lost.
  await storeAlerts(deps.client, alerts)
  await storeTagHistory(deps.insert, changes)
  await deps.publish(changes, alerts)
  deps.beforeStateStore?.()
  await storeTagStates(deps.insert, changes, version)
  await storeProfiles(deps.insert, profiles, version)
  for (const p of profiles) deps.states.stored(p.personId, p.tags, p.alertsActive)
  return { persons: profiles.length, changes, alerts }
}
