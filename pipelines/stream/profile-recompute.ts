// Recomputes persons' features, tags, health and alerts as of one `now`, stores what changed and
// publishes it. Shared by the processor's profile stage (the persons a batch touched) and the
// sweep (persons whose time-only rules may have flipped, or everyone after a threshold moved).
import type { ClickHouseClient } from '@clickhouse/client'
import type { PersonFeatures } from '../../models/tags/person-features.ts'
import type { Alert, TagChange, TagLayer } from '../../models/tags/tag-change.ts'
import { diffTags } from '../../models/tags/tag-evaluation.ts'
import type { ProfileRules } from './profile-rules.ts'
import { readPersonValues, readProfileStates, storeAlerts, storeProfiles, storeTagChanges, type ProfileRow, type ValueThresholds } from '../../sql/profiles/profile-store.ts'

export interface RecomputeDeps {
  client: ClickHouseClient
  rules: ProfileRules
  readFeatures(persons: Array<{ personId: string; ids: string[] }>, now: number): Promise<PersonFeatures[]>
  idsOf(personId: string): string[]
  thresholds(): ValueThresholds
  publish(changes: TagChange[], alerts: Alert[]): Promise<void>
  /** A number larger than any earlier call's, across restarts (the newest stored state wins). */
  version(): number
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
  const stored = await readProfileStates(deps.client, [...persons, ...merged.map((m) => m.personId)])
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
  await storeAlerts(deps.client, alerts)
  await storeTagChanges(deps.client, changes, version)
  await storeProfiles(deps.client, profiles, version)
  await deps.publish(changes, alerts)
  return { persons: profiles.length, changes, alerts }
}
