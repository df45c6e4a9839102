// The stored tag set and active alert conditions of recently recomputed persons, so that a
// recompute reads from the engine only the persons it has not seen. The profile stage and the
// sweep of one process are the only writers of these states (README, Scaling out: profiles run in
// one processor), so an entry is what the engine holds once the recomputes before have stored
// theirs (profile-recompute.ts CommitOrder): a failed store clears the whole cache.
import type { StoredProfileState } from '../../sql/profiles/profile-store.ts'

/** Persons kept: about 200 bytes each, so the default holds 200 MB at most. */
export const DEFAULT_CACHED_PERSONS = 1_000_000

const NOTHING_STORED = { tags: [] as string[], alertsActive: [] as string[], version: 0 }

export class ProfileStateCache {
  private readonly states = new Map<string, { tags: string[]; alertsActive: string[]; version: number }>()

  constructor(private readonly capacity = DEFAULT_CACHED_PERSONS) {}

  /** The states known here; `missing` gets the persons to read from the engine. */
  lookup(persons: readonly string[], missing: string[]): Map<string, StoredProfileState> {
    const found = new Map<string, StoredProfileState>()
    for (const personId of persons) {
      const s = this.states.get(personId)
      if (s === undefined) missing.push(personId)
      else if (s !== NOTHING_STORED) found.set(personId, { personId, tags: s.tags, alertsActive: s.alertsActive, version: s.version })
    }
    return found
  }

  /** A person just created: the engine holds nothing for it. */
  createdNow(personId: string): void {
    this.put(personId, NOTHING_STORED)
  }

  /** The state stored (or about to be, profile-recompute.ts CommitOrder) with `version`. */
  stored(personId: string, tags: string[], alertsActive: string[], version: number): void {
    this.put(personId, { tags, alertsActive, version })
  }

  clear(): void {
    this.states.clear()
  }

  forget(persons: Iterable<string>): void {
    for (const p of persons) this.states.delete(p)
  }

  get size(): number {
    return this.states.size
  }

  private put(personId: string, state: { tags: string[]; alertsActive: string[]; version: number }): void {
    // Re-inserted at the end: the Map's order is then least recently stored first.
    this.states.delete(personId)
    this.states.set(personId, state)
    if (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value!)
  }
}
