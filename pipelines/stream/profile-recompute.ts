// Recomputes persons' features, tags, health and alerts as of one `now`, stores what changed and
// publishes it. Shared by the processor's profile stage (the persons a batch touched) and the
// sweep (persons whose time-only rules may have flipped, or everyone after a threshold moved).
import type { ClickHouseClient } from '@clickhouse/client'
import type { Alert, TagChange } from '../../models/tags/tag-change.ts'
import type { ClickHouse } from '../../sql/clickhouse-client.ts'
import { readFactsText } from '../../sql/profiles/person-features-reader.ts'
import { readPersonValues, readProfileStates, storeAlerts, type ValueThresholds } from '../../sql/profiles/profile-store.ts'
import { insertProfileRows } from '../../sql/writers/profile-writer.ts'
import type { ComputeResult } from './profile-compute.ts'
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
  /** A number larger than any earlier call's, across restarts (the newest stored state wins). */
  version(): number
  /** The stored states already known (or about to be stored); the others are read from the engine. */
  states: ProfileStateCache
  commits: CommitOrder
  /** Fault injection (--fault-fail-tag-state-stores): throws to fail the store of the states. */
  beforeStateStore?: () => void
}

export interface RecomputeResult {
  persons: number
  changes: TagChange[]
  alerts: Alert[]
}

/**
 * The order in which recomputes store what they found. A recompute is prepared (read, computed)
 * while the one before it still stores and publishes; its changes were diffed against the states
 * the one before will have stored (the state cache holds them at once), so it stores only after
 * that one, and not at all when that one failed (`epoch` moves on every failure).
 */
export class CommitOrder {
  last: Promise<unknown> = Promise.resolve()
  epoch = 0
}

/**
 * The run's own facts: persons it created (every id of theirs first seen in it, none merged into
 * them) have no fact but these, so they are counted from the lines and not read from the engine.
 */
export interface FreshFacts {
  persons: ReadonlySet<string>
  /** The run's fact lines as inserted (sql/writers/feature-facts-writer.ts factLines). */
  lines: string
}

export interface PreparedRecompute {
  /** Resolves once the changes are stored and published. */
  committed: Promise<RecomputeResult>
}

/** `merged`: persons that no longer exist (merged into another); each loses its tags. */
export async function recomputePersons(deps: RecomputeDeps, persons: string[], now: number, merged: Array<{ personId: string; into: string }> = []): Promise<RecomputeResult> {
  return (await prepareRecompute(deps, persons, now, merged)).committed
}

/**
 * Reads and computes now; stores and publishes after the recomputes prepared before it. The
 * persons' new states are in the state cache as soon as this returns, for the next preparation.
 */
export async function prepareRecompute(deps: RecomputeDeps, persons: string[], now: number, merged: Array<{ personId: string; into: string }> = [], fresh?: FreshFacts): Promise<PreparedRecompute> {
  const all = [...persons, ...merged.map((m) => m.personId)]
  const epoch = deps.commits.epoch
  let result: ComputeResult
  try {
    result = await compute(deps, persons, now, merged, all, fresh)
  } catch (err) {
    deps.states.forget(all)
    throw err
  }
  // A store failed while this one computed: its diffs may rest on states that will never be stored.
  if (deps.commits.epoch !== epoch) {
    deps.states.forget(all)
    throw new Error('a profile store failed while this recompute ran: recomputing from the stored states')
  }
  for (const [p, tags, alertsActive, version] of result.held) deps.states.stored(p, tags, alertsActive, version)
  const before = deps.commits.last
  const committed = (async () => {
    await before
    try {
      if (deps.commits.epoch !== epoch) throw new Error('a profile store before this one failed: recomputing from the stored states')
      await store(deps, result)
    } catch (err) {
      // Some states may be stored and some not, and later recomputes hold states that will not be:
      // the engine is the truth again for everyone.
      deps.commits.epoch++
      deps.states.clear()
      throw err
    }
    return { persons: result.held.length, changes: result.changes, alerts: result.alerts }
  })()
  deps.commits.last = committed.catch(() => {})
  return { committed }
}

async function compute(deps: RecomputeDeps, persons: string[], now: number, merged: Array<{ personId: string; into: string }>, all: string[], fresh?: FreshFacts): Promise<ComputeResult> {
  const missing: string[] = []
  const known = deps.states.lookup(all, missing)
  for (const [p, state] of await readProfileStates(deps.client, missing)) known.set(p, state)
  const withIds = persons.map((p) => ({ personId: p, ids: deps.idsOf(p) }))
  const batchPersons = fresh ? persons.filter((p) => fresh.persons.has(p)) : []
  const read = batchPersons.length === 0 ? withIds : withIds.filter((p) => !fresh!.persons.has(p.personId))
  const factsText = await readFactsText(deps.client, read.flatMap((p) => p.ids))
  const thresholds = deps.thresholds()
  // No converged fit, no scores: one round trip fewer per run until the first fit.
  const values = thresholds.scored === false ? new Map() : await readPersonValues(deps.client, persons)
  return deps.computer.compute({
    jobId: deps.version(),
    now,
    persons: withIds,
    factsText,
    ...(batchPersons.length > 0 ? { batchPersons, batchFacts: fresh!.lines } : {}),
    stored: [...known.values()].map((s) => [s.personId, s.tags, s.alertsActive, s.version]),
    values: [...values].map(([p, v]) => [p, v.clv, v.tier, v.churnBand]),
    thresholds,
    merged,
    version: deps.version(),
  })
}

/**
 * History and publishing (side by side: the engine and NATS), then the states: a failure before
 * the states are stored leaves the old states, so the redelivered batch finds the same changes,
 * stores and publishes them again (at least once; the stream drops a copy with the same id).
 * Published after the states, a change could be lost.
 */
async function store(deps: RecomputeDeps, result: ComputeResult): Promise<void> {
  const stored = (async () => {
    await storeAlerts(deps.client, result.alerts)
    await insertProfileRows(deps.insert, 'history', result.history)
  })()
  const published = deps.computer.publish(result)
  // Both settled before a failure is passed on: nothing of this run is still writing when the next
  // recompute starts from the engine's states.
  const [s, p] = await Promise.allSettled([stored, published])
  if (s.status === 'rejected') throw s.reason
  if (p.status === 'rejected') throw p.reason
  deps.beforeStateStore?.()
  await insertProfileRows(deps.insert, 'states', result.states)
  await insertProfileRows(deps.insert, 'profiles', result.profiles)
}
