// The identity graph in memory: which person each id belongs to. The rules (README, Identity),
// after PostHog's person merging:
// - An id is identified when it arrived as a user id: the toId of an identify, or an id the batch
//   names as a user id (batchIdentityOf: Segment's userId, PostHog's distinct_id of $identify /
//   $create_alias). A person is identified when any of its ids is. An alias marks no id itself:
//   its ids keep what they were, so an alias between two identified persons is refused.
// - A batch's user ids are marked and its links applied in event order ((ts, source, messageId)),
//   each user id at the first event naming it, so a batch decides as its events one by one would:
//   an alias to an id is not refused because a later event of the same batch names that id as a
//   user id. Then every key id still without a person gets one: an identify arriving with its user
//   id's first event joins the user id to the anonymous person instead of creating a person only
//   to merge it away.
// - A blocklisted id (isLinkableId false) never links and keys no person: `refused`.
// - Both ids on one person: `already_linked`. One id without a person: it joins the other's
//   (`linked`); neither has one: a person is created from the fromId and the toId joins it.
// - Two persons, or a person and an id without one, both identified: `refused` (an identified user
//   is never merged into another identified user). Else two persons merge (`merged`): the one not
//   identified into the identified one; neither identified: the younger into the older (same
//   creation time: into the smaller person id, so a reloaded graph decides alike).
import { inEventOrder, type IdLink, type UserIdSighting } from './event-ids.ts'
import { isLinkableId } from './id-blocklist.ts'
import type { IdAssignment, IdentityChanges, LinkOutcome, LinkResult, PersonMerge } from './identity-changes.ts'
import { personIdFor } from './person-id.ts'

interface Person {
  readonly id: string
  readonly ids: string[]
  identified: boolean
  createdAt: number
  /** The apply() that last touched it: a field, not a Set of persons, keeps 20,000 key ids to a few ms. */
  touchedIn: number
}

/** One row of the stored graph (person_ids). */
export interface StoredAssignment extends IdAssignment {
  version: number
}

/** What one apply() has changed so far. */
interface Work {
  changed: Set<string>
  merges: PersonMerge[]
  created: Person[]
  at: number
  apply: number
}

const isOlder = (a: Person, b: Person) => a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id)

export class IdentityGraph {
  private readonly personById = new Map<string, Person>()
  private readonly persons = new Map<string, Person>()
  private readonly userIds = new Set<string>()
  private lastVersion = 0
  private applies = 0

  /** Number of ids held. */
  get size(): number {
    return this.personById.size
  }

  get personCount(): number {
    return this.persons.size
  }

  /** The highest version stored or produced: the next apply() produces a higher one. */
  get version(): number {
    return this.lastVersion
  }

  personOf(id: string): string | undefined {
    return this.personById.get(id)?.id
  }

  idsOf(personId: string): readonly string[] {
    return this.persons.get(personId)?.ids ?? []
  }

  isIdentified(personId: string): boolean {
    return this.persons.get(personId)?.identified ?? false
  }

  createdAt(personId: string): number | undefined {
    return this.persons.get(personId)?.createdAt
  }

  /** Every id with its person, as stored. */
  *assignments(): IterableIterator<IdAssignment> {
    for (const [id, p] of this.personById) yield { id, personId: p.id, identified: this.userIds.has(id), personCreatedAt: p.createdAt }
  }

  /** Loads one stored row (start-up); a row for an id already loaded replaces it when its version is not older. */
  restore(row: StoredAssignment): void {
    let person = this.persons.get(row.personId)
    if (!person) {
      person = { id: row.personId, ids: [], identified: false, createdAt: row.personCreatedAt, touchedIn: 0 }
      this.persons.set(person.id, person)
    } else if (row.personCreatedAt < person.createdAt) person.createdAt = row.personCreatedAt
    const previous = this.personById.get(row.id)
    if (previous !== person) {
      if (previous) this.detach(row.id, previous)
      person.ids.push(row.id)
      this.personById.set(row.id, person)
    }
    if (row.identified) {
      this.userIds.add(row.id)
      person.identified = true
    }
    if (row.version > this.lastVersion) this.lastVersion = row.version
  }

  /**
   * Gives every linkable key id a person and applies the links (rules above). `userIds`: the
   * batch's ids that arrived as a user id, each with its first event (batchIdentityOf); they are
   * key ids too.
   */
  apply(keyIds: readonly string[], links: readonly IdLink[], at: number, userIds: readonly UserIdSighting[] = []): IdentityChanges {
    const version = Math.max(this.lastVersion + 1, Math.floor(at))
    this.lastVersion = version
    const work: Work = { changed: new Set(), merges: [], created: [], at, apply: ++this.applies }
    // Sightings before links of the same event (a stable sort): an identify's user id is marked by both.
    const outcomes: Array<{ link: IdLink; outcome: LinkOutcome; reason: string }> = []
    for (const step of [...userIds, ...links].sort(inEventOrder)) {
      if ('kind' in step) outcomes.push({ link: step, ...this.link(step, work) })
      else if (isLinkableId(step.id)) this.markUserId(step.id, work)
    }
    const touched: string[] = []
    const touch = (person: Person) => {
      if (person.touchedIn === work.apply) return
      person.touchedIn = work.apply
      touched.push(person.id)
    }
    for (const ids of [keyIds, userIds.map((u) => u.id)]) {
      for (const id of ids) {
        const person = this.personById.get(id)
        if (person) touch(person)
        else if (isLinkableId(id)) touch(this.create(id, work))
      }
    }
    const results: LinkResult[] = outcomes.map(({ link, outcome, reason }) => {
      const person = this.personById.get(link.toId) ?? this.personById.get(link.fromId)
      if (person) touch(person)
      return { link, outcome, reason, personId: person?.id ?? '' }
    })
    const assignments: IdAssignment[] = []
    for (const id of work.changed) {
      const p = this.personById.get(id)
      if (p) assignments.push({ id, personId: p.id, identified: this.userIds.has(id), personCreatedAt: p.createdAt })
    }
    const createdPersons = work.created.filter((p) => this.persons.get(p.id) === p).map((p) => p.id)
    return { assignments, merges: work.merges, links: results, touchedPersons: touched, createdPersons, version }
  }

  private link(link: IdLink, work: Work): { outcome: LinkOutcome; reason: string } {
    const { fromId, toId } = link
    for (const [id, other] of [[fromId, toId], [toId, fromId]]) {
      if (isLinkableId(id)) continue
      if (isLinkableId(other) && !this.personById.has(other)) this.create(other, work)
      return { outcome: 'refused', reason: `the id ${JSON.stringify(id)} is blocklisted (README, Identity) and never links persons` }
    }
    if (link.kind === 'identify') this.markUserId(toId, work)
    if (fromId === toId) {
      if (!this.personById.has(toId)) this.create(toId, work)
      return { outcome: 'already_linked', reason: '' }
    }
    const from = this.personById.get(fromId)
    const to = this.personById.get(toId)
    if (from && from === to) return { outcome: 'already_linked', reason: '' }
    const fromIdentified = from ? from.identified : this.userIds.has(fromId)
    const toIdentified = to ? to.identified : this.userIds.has(toId)
    if (fromIdentified && toIdentified) {
      const f = from ?? this.create(fromId, work)
      const t = to ?? this.create(toId, work)
      return {
        outcome: 'refused',
        reason: `persons ${f.id} and ${t.id} are both identified (different user ids); an identified person is never merged into another`,
      }
    }
    if (!from && !to) this.join(toId, this.create(fromId, work), work)
    else if (!from) this.join(fromId, to!, work)
    else if (!to) this.join(toId, from, work)
    else {
      const fromStays = fromIdentified || (!toIdentified && isOlder(from, to))
      if (fromStays) this.merge(to, from, link, work)
      else this.merge(from, to, link, work)
      return { outcome: 'merged', reason: '' }
    }
    return { outcome: 'linked', reason: '' }
  }

  private markUserId(id: string, work: Work): void {
    if (this.userIds.has(id)) return
    this.userIds.add(id)
    const person = this.personById.get(id)
    if (person) {
      person.identified = true
      work.changed.add(id)
    }
  }

  private create(id: string, work: Work): Person {
    let personId = personIdFor(id)
    // A 64-bit prefix collides about once in 4 billion persons; the next free derived id keeps it unique.
    while (this.persons.has(personId)) personId = personIdFor(personId + id)
    const person: Person = { id: personId, ids: [id], identified: this.userIds.has(id), createdAt: work.at, touchedIn: 0 }
    this.persons.set(personId, person)
    this.personById.set(id, person)
    work.changed.add(id)
    work.created.push(person)
    return person
  }

  private join(id: string, person: Person, work: Work): void {
    person.ids.push(id)
    if (this.userIds.has(id)) person.identified = true
    this.personById.set(id, person)
    work.changed.add(id)
  }

  private merge(from: Person, into: Person, link: IdLink, work: Work): void {
    for (const id of from.ids) {
      into.ids.push(id)
      this.personById.set(id, into)
      work.changed.add(id)
    }
    into.identified ||= from.identified
    this.persons.delete(from.id)
    work.merges.push({ fromPerson: from.id, intoPerson: into.id, link, idsMoved: from.ids.length })
  }

  private detach(id: string, person: Person): void {
    const i = person.ids.indexOf(id)
    if (i >= 0) person.ids.splice(i, 1)
    if (person.ids.length === 0) this.persons.delete(person.id)
  }
}
