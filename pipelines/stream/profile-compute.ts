// The CPU part of a profile recompute, apart from every engine call so that it can run on a
// thread of its own (profile-compute-thread.ts): parse the persons' facts, count their features,
// evaluate tags, alerts and health against the stored states, and encode the rows to store.
import type { PersonFeatures } from '../../models/tags/person-features.ts'
import type { Alert, TagChange, TagLayer } from '../../models/tags/tag-change.ts'
import { diffTags } from '../../models/tags/tag-evaluation.ts'
import { featuresOfBatchFacts } from '../../sql/profiles/batch-facts.ts'
import { featuresOfFactsText } from '../../sql/profiles/person-features-reader.ts'
import type { ValueThresholds } from '../../sql/profiles/profile-store.ts'
import { encodeProfiles, encodeTagHistory, encodeTagStates, type ProfileRow } from '../../sql/writers/profile-writer.ts'
import type { ProfileRules } from './profile-rules.ts'

/** Far in the future: no rule of this person changes with time alone. */
export const NEVER = Date.UTC(2299, 11, 31)

/** A person's stored tag set and active alert conditions, as [person, tags, alerts, version stored with]. */
export type HeldState = [personId: string, tags: string[], alertsActive: string[], version: number]

export interface ComputeJob {
  /** Names the job when its changes are published (ProfileComputer.publish). */
  jobId: number
  now: number
  persons: Array<{ personId: string; ids: string[] }>
  /** readFactsText's answer for the ids of the persons not in `batchPersons`. */
  factsText: string
  /** Persons whose every fact is in `batchFacts` (created by this run): no facts read for them. */
  batchPersons?: string[]
  /** The run's fact lines as inserted (feature-facts-writer.ts factLines). */
  batchFacts?: string
  /** The stored states of the persons and of the merged ones (none: nothing stored). */
  stored: HeldState[]
  values: Array<[personId: string, clv: number | null, tier: string | null, churnBand: string | null]>
  thresholds: ValueThresholds
  /** Persons that no longer exist (merged into another): each loses its tags. */
  merged: Array<{ personId: string; into: string }>
  /** The version the rows are stored with. */
  version: number
}

export interface ComputeResult {
  jobId: number
  changes: TagChange[]
  alerts: Alert[]
  /** TabSeparated bodies for insertProfileRows. */
  history: string
  states: string
  profiles: string
  /** The states once stored: every person's, the merged ones included. */
  held: HeldState[]
}

/** --fault-fail-profile-compute-matching: throws as a defect in a rule would. */
export function injectedFault(job: ComputeJob, text: string | undefined): void {
  if (text && job.persons.some((p) => p.ids.some((id) => id.includes(text)))) throw new Error(`injected fault: the profile compute fails for ids holding ${JSON.stringify(text)}`)
}

/** Every person's features, in the job's order: from the batch's lines or from the facts read. */
function featuresOf(job: ComputeJob, deadlines: Readonly<Record<string, number>>): PersonFeatures[] {
  const fromBatch = new Set(job.batchPersons ?? [])
  if (fromBatch.size === 0) return featuresOfFactsText(job.factsText, job.persons, job.now, deadlines)
  const read = job.persons.filter((p) => !fromBatch.has(p.personId))
  const byPerson = new Map<string, PersonFeatures>()
  for (const f of featuresOfFactsText(job.factsText, read, job.now, deadlines)) byPerson.set(f.personId, f)
  for (const f of featuresOfBatchFacts(job.batchFacts ?? '', job.persons.filter((p) => fromBatch.has(p.personId)), job.now, deadlines)) byPerson.set(f.personId, f)
  return job.persons.map((p) => byPerson.get(p.personId)!)
}

export function computeProfiles(rules: ProfileRules, deadlines: Readonly<Record<string, number>>, job: ComputeJob): ComputeResult {
  const { now } = job
  const features = featuresOf(job, deadlines)
  const stored = new Map(job.stored.map(([p, tags, alertsActive, version]) => [p, { tags, alertsActive, version }]))
  const values = new Map(job.values.map(([p, clv, tier, churnBand]) => [p, { clv, tier, churnBand }]))
  const changes: TagChange[] = []
  const alerts: Alert[] = []
  const profiles: ProfileRow[] = []
  for (const f of features) {
    const before = stored.get(f.personId)
    const evaluation = rules.evaluate(f, values.get(f.personId) ?? { clv: null, tier: null }, job.thresholds, now)
    const previous = new Map<string, { layer: TagLayer }>((before?.tags ?? []).map((tag) => [tag, { layer: rules.layerOf(tag) }]))
    // Keyed by the state they replace: the same batch recomputed after a crash publishes the same ids.
    const basis = before?.version ?? 0
    for (const c of diffTags(previous, evaluation, f.personId, f.ids, now)) changes.push({ ...c, basis })
    // An alert is raised when its condition begins, not again while it holds.
    const conditions = rules.alerts(f, now)
    const wasActive = new Set(before?.alertsActive ?? [])
    for (const [key, alert] of conditions) if (!wasActive.has(key)) alerts.push({ ...alert, basis })
    profiles.push({
      personId: f.personId, ids: f.ids, spend365d: f.window365d.spend, orders180d: f.window180d.orders, tags: evaluation.held.map((t) => t.tag).sort(), alertsActive: [...conditions.keys()].sort(),
      health: rules.health(f), computedAt: now, nextChangeAt: Math.min(NEVER, rules.nextChange(f, now) ?? NEVER), mergedInto: '',
    })
  }
  for (const m of job.merged) {
    const gone = stored.get(m.personId)
    for (const tag of gone?.tags ?? []) changes.push({ personId: m.personId, ids: [], tag, layer: rules.layerOf(tag), change: 'removed', at: now, reason: { merged_into: m.into }, basis: gone!.version })
    profiles.push({ personId: m.personId, ids: [], spend365d: 0, orders180d: 0, tags: [], alertsActive: [], health: null, computedAt: now, nextChangeAt: NEVER, mergedInto: m.into })
  }
  return {
    jobId: job.jobId,
    changes,
    alerts,
    history: encodeTagHistory(changes),
    states: encodeTagStates(changes, job.version),
    profiles: encodeProfiles(profiles, job.version),
    held: profiles.map((p) => [p.personId, p.tags, p.alertsActive, job.version]),
  }
}
