// The processor's profile stage, run after a batch's events are stored and before its messages
// are acked: the batch's ids and links go into the identity graph (new persons, links, merges,
// stored with the events that made them), then the features, tags, health and alerts of every
// person the batch touched are recomputed as of the clock's now, stored and published.
// The graph changes of a batch whose storing failed are kept and stored with the next attempt, and
// its merges kept until a recompute handled them: the retried or redelivered batch finds its links
// already applied in memory and would report no change (storing the same assignments twice is
// harmless). Its touched persons are not kept: the batch touches them again when it comes back, and
// a person whose recompute fails for a reason of its own must not fail every later run.
import type { Logger } from 'pino'
import type { IdLink, UserIdSighting } from '../../models/identity/event-ids.ts'
import type { IdentityChanges } from '../../models/identity/identity-changes.ts'
import type { Clock } from '../clock.ts'
import type { ProfileQueue } from '../jobs/profile-queue.ts'
import { StoppedWhileWaiting } from './engine-outage.ts'
import { prepareRecompute, type FreshFacts, type RecomputeDeps, type RecomputeResult } from './profile-recompute.ts'

export interface IdentityGraphView {
  apply(keyIds: readonly string[], links: readonly IdLink[], at: number, userIds?: readonly UserIdSighting[]): IdentityChanges
}

/** What the profile stage needs of a stored batch (models/identity/batch-identity.ts). */
export interface BatchIds {
  keyIds: string[]
  userIds: UserIdSighting[]
  links: IdLink[]
  /** The batch's fact lines as inserted ('' when none, or when unknown: its persons are then read). */
  facts?: string
}

export interface ProfileStageDeps {
  graph: IdentityGraphView
  storeIdentity(changes: IdentityChanges, at: number): Promise<void>
  recompute: RecomputeDeps
  clock: Clock
  queue: ProfileQueue
  log: Logger
}

/** Persons recomputed per query: the id lists travel as bound array parameters. */
const CHUNK = 5000

interface Waiting {
  batch: BatchIds
  resolve(): void
  reject(err: unknown): void
}

export class ProfileStage {
  private unstored: Array<{ changes: IdentityChanges; at: number }> = []
  private pendingMerges: Array<{ personId: string; into: string }> = []
  private previousCommits: Promise<unknown> = Promise.resolve()
  /** Batches that arrived while a run was going: the next run takes them all at once. */
  private waiting: Waiting[] = []
  private scheduled = false
  private halted = false

  constructor(private readonly deps: ProfileStageDeps) {}

  /**
   * Called with the ids and links of a stored batch; resolves once its profiles are stored and
   * published. Batches that arrive while a run is going share the next run: each run costs a
   * dozen engine round trips whatever its size, so small batches must not each pay for one.
   */
  afterStore(batch: BatchIds): Promise<void> {
    if (this.halted) return Promise.reject(new StoppedWhileWaiting())
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ batch, resolve, reject })
      if (this.scheduled) return
      this.scheduled = true
      void this.deps.queue.run(async () => {
        this.scheduled = false
        const group = this.waiting
        this.waiting = []
        if (group.length === 0) return
        // The queue moves on once the run is computed; its batches wait for its stores.
        let prepared: { committed: Promise<void> }
        try {
          prepared = await this.run(group.map((w) => w.batch))
        } catch (err) {
          for (const w of group) w.reject(err)
          return
        }
        const { committed } = prepared
        committed.then(() => group.forEach((w) => w.resolve()), (err) => group.forEach((w) => w.reject(err)))
        // One run stores while the next computes, no more: the stores bound the pace.
        await this.previousCommits
        this.previousCommits = committed.catch(() => {})
      })
    })
  }

  /**
   * Shutting down: batches not yet in a run are handed back (their messages nak'd, redelivered
   * after the restart: stored again as the same rows, then profiled), so a stop waits for one run
   * at most, not for a backlog.
   */
  halt(): void {
    this.halted = true
    const left = this.waiting
    this.waiting = []
    for (const w of left) w.reject(new StoppedWhileWaiting())
  }

  /**
   * The persons this run created whose facts are all in its batches: every id of theirs was first
   * seen here, and no person was merged into them (a merge brings ids with stored facts). None when
   * a batch's fact lines are unknown.
   */
  private ownFacts(batches: BatchIds[], applied: IdentityChanges[]): FreshFacts | undefined {
    if (batches.some((b) => b.facts === undefined)) return undefined
    const persons = new Set(applied.flatMap((c) => c.createdPersons))
    for (const c of applied) for (const m of c.merges) persons.delete(m.intoPerson)
    return persons.size === 0 ? undefined : { persons, lines: batches.map((b) => b.facts).join('') }
  }

  /** Applies the batches' ids, stores them, and prepares the recompute; resolves with its stores. */
  private async run(batches: BatchIds[]): Promise<{ committed: Promise<void> }> {
    const now = this.deps.clock.now()
    const applied: IdentityChanges[] = []
    for (const batch of batches) {
      const changes = this.deps.graph.apply(batch.keyIds, batch.links, now, batch.userIds)
      applied.push(changes)
      for (const l of changes.links) {
        if (l.outcome === 'refused') this.deps.log.info({ from: l.link.fromId, to: l.link.toId, source: l.link.source, message_id: l.link.messageId, reason: l.reason }, 'identity link refused')
      }
      // Nothing can be stored yet for a person this batch created: no engine read for its state.
      for (const p of changes.createdPersons) this.deps.recompute.states.createdNow(p)
      this.unstored.push({ changes, at: now })
    }
    for (const pending of this.unstored) await this.deps.storeIdentity(pending.changes, pending.at)
    // Stored: a retried or redelivered batch touches its persons again, but reports no merge again,
    // so the merges wait here until a recompute has handled them.
    const fresh = this.unstored
    this.unstored = []
    for (const u of fresh) for (const m of u.changes.merges) this.pendingMerges.push({ personId: m.fromPerson, into: m.intoPerson })
    // Taken by this run; given back if its stores fail.
    const merged = this.pendingMerges
    this.pendingMerges = []
    const gone = new Set(merged.map((m) => m.personId))
    const touched = [...new Set(fresh.flatMap((u) => u.changes.touchedPersons))].filter((p) => !gone.has(p))
    const ownFacts = this.ownFacts(batches, applied)
    const commits: Array<Promise<RecomputeResult>> = []
    try {
      for (let i = 0; i < Math.max(1, touched.length); i += CHUNK) {
        const { committed } = await prepareRecompute(this.deps.recompute, touched.slice(i, i + CHUNK), now, i === 0 ? merged : [], ownFacts)
        committed.catch(() => {}) // observed below, or given up with the run
        commits.push(committed)
      }
    } catch (err) {
      this.pendingMerges.push(...merged)
      throw err
    }
    const started = performance.now()
    const committed = Promise.all(commits).then(
      (results) => {
        const changed = results.reduce((n, r) => n + r.changes.length, 0)
        this.deps.log.debug({ batches: batches.length, persons: touched.length, tagChanges: changed, storeMs: Math.round(performance.now() - started) }, 'profiles recomputed')
      },
      (err) => {
        this.pendingMerges.push(...merged)
        throw err
      },
    )
    return { committed }
  }
}
