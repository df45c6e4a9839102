// Whatever batches of key ids, user ids and links arrive, the graph's persons are the components of
// a plain union-find that follows the same rules (README, Identity), link outcomes included, and
// a merged-away person is never reported as touched; and a batch decides as its events one by one would.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EventRow } from '../models/events/event-row.ts'
import { batchIdentityOf } from '../models/identity/batch-identity.ts'
import type { IdLink, UserIdSighting } from '../models/identity/event-ids.ts'
import { isLinkableId } from '../models/identity/id-blocklist.ts'
import type { LinkOutcome } from '../models/identity/identity-changes.ts'
import { IdentityGraph } from '../models/identity/identity-graph.ts'

/** The rules restated on a union-find with path halving: roots carry "identified". */
class ReferencePartition {
  private readonly parent = new Map<string, string>()
  private readonly identifiedRoot = new Set<string>()
  private readonly userIds = new Set<string>()

  private root(id: string): string {
    let x = id
    while (this.parent.get(x) !== x) {
      const up = this.parent.get(this.parent.get(x)!)!
      this.parent.set(x, up)
      x = up
    }
    return x
  }

  private ensure(id: string): void {
    if (this.parent.has(id)) return
    this.parent.set(id, id)
    if (this.userIds.has(id)) this.identifiedRoot.add(id)
  }

  private identified(id: string): boolean {
    return this.parent.has(id) ? this.identifiedRoot.has(this.root(id)) : this.userIds.has(id)
  }

  private mark(id: string): void {
    this.userIds.add(id)
    if (this.parent.has(id)) this.identifiedRoot.add(this.root(id))
  }

  batch(keyIds: string[], links: IdLink[], userIds: UserIdSighting[]): LinkOutcome[] {
    // One event at a time, in time order: a user id is marked at the event naming it.
    const events = [...userIds.map((u) => ({ ts: u.ts, messageId: u.messageId, user: u.id })), ...links.map((l) => ({ ts: l.ts, messageId: l.messageId, link: l }))]
    events.sort((a, b) => a.ts - b.ts || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0))
    const outcomes: LinkOutcome[] = []
    for (const e of events) {
      if ('user' in e) {
        if (isLinkableId(e.user)) this.mark(e.user)
      } else outcomes.push(this.linkOutcome(e.link))
    }
    ;[...keyIds, ...userIds.map((u) => u.id)].filter(isLinkableId).forEach((id) => this.ensure(id))
    return outcomes
  }

  private linkOutcome(l: IdLink): LinkOutcome {
    if (!isLinkableId(l.fromId) || !isLinkableId(l.toId)) {
      ;[l.fromId, l.toId].filter(isLinkableId).forEach((id) => this.ensure(id))
      return 'refused'
    }
    if (l.kind === 'identify') this.mark(l.toId)
    const existed = this.parent.has(l.fromId) && this.parent.has(l.toId)
    if (existed && this.root(l.fromId) === this.root(l.toId)) return 'already_linked'
    if (l.fromId === l.toId) return this.ensure(l.fromId), 'already_linked'
    const refuse = this.identified(l.fromId) && this.identified(l.toId)
    this.ensure(l.fromId)
    this.ensure(l.toId)
    if (refuse) return 'refused'
    const a = this.root(l.fromId)
    const b = this.root(l.toId)
    this.parent.set(b, a)
    if (this.identifiedRoot.has(b)) this.identifiedRoot.add(a)
    return existed ? 'merged' : 'linked'
  }

  /** Components as sorted id lists, each with whether it is identified. */
  components(): string[] {
    const groups = new Map<string, string[]>()
    for (const id of this.parent.keys()) groups.set(this.root(id), [...(groups.get(this.root(id)) ?? []), id])
    return [...groups].map(([r, ids]) => `${this.identifiedRoot.has(r) ? 'I' : 'A'}:${ids.sort().join(',')}`).sort()
  }
}

function graphComponents(g: IdentityGraph): string[] {
  const groups = new Map<string, string[]>()
  for (const a of g.assignments()) groups.set(a.personId, [...(groups.get(a.personId) ?? []), a.id])
  return [...groups].map(([p, ids]) => `${g.isIdentified(p) ? 'I' : 'A'}:${ids.sort().join(',')}`).sort()
}

const id = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'null', 'guest', '')
const link = fc.record({ kind: fc.constantFrom('identify' as const, 'alias' as const), fromId: id, toId: id, ts: fc.integer({ min: 0, max: 5 }) })
const sighting = fc.record({ id, ts: fc.integer({ min: 0, max: 5 }) })
const batch = fc.record({ keyIds: fc.array(id, { maxLength: 4 }), userIds: fc.uniqueArray(sighting, { maxLength: 2, selector: (u) => u.id }), links: fc.array(link, { maxLength: 5 }) })

describe('identity graph against a reference union-find', () => {
  it('same persons, same identified flags and same link outcomes for any sequence of batches', () => {
    fc.assert(
      fc.property(fc.array(batch, { minLength: 1, maxLength: 8 }), (batches) => {
        const graph = new IdentityGraph()
        const reference = new ReferencePartition()
        let n = 0
        batches.forEach((b, i) => {
          const links: IdLink[] = b.links.map((l) => ({ ...l, source: 'web', messageId: String(++n).padStart(4, '0') }))
          const userIds: UserIdSighting[] = b.userIds.map((u) => ({ ...u, source: 'web', messageId: String(++n).padStart(4, '0') }))
          const changes = graph.apply(b.keyIds, links, 1000 * (i + 1), userIds)
          expect(changes.links.map((l) => l.outcome)).toEqual(reference.batch(b.keyIds, links, userIds))
          for (const p of changes.touchedPersons) expect(graph.idsOf(p).length).toBeGreaterThan(0)
          for (const m of changes.merges) expect(graph.idsOf(m.fromPerson)).toEqual([])
          expect(graphComponents(graph)).toEqual(reference.components())
        })
      }),
      { numRuns: 500 },
    )
  })
})

/** Events as the processor sees them: a track by a user or an anonymous id, an identify, an alias. */
const eventRow = fc.oneof(
  fc.record({ type: fc.constant('track' as const), user_id: id, anonymous_id: fc.constant('') }),
  fc.record({ type: fc.constant('track' as const), user_id: fc.constant(''), anonymous_id: id }),
  fc.record({ type: fc.constant('identify' as const), user_id: id, anonymous_id: id }),
  fc.record({ type: fc.constant('alias' as const), user_id: id, previous_id: id }),
)

describe('identity graph batching', () => {
  it('a batch decides as its events one by one would: the same persons and identified flags', () => {
    fc.assert(
      fc.property(fc.array(eventRow, { minLength: 1, maxLength: 12 }), (events) => {
        const rows = events.map((e, i) => ({ source: 'web', message_id: `m${String(i).padStart(3, '0')}`, ts: 1000 + i, distinct_id: '', previous_id: '', anonymous_id: '', ...e }) as unknown as EventRow)
        const whole = new IdentityGraph()
        const b = batchIdentityOf(rows)
        whole.apply(b.keyIds, b.links, 10_000, b.userIds)
        const single = new IdentityGraph()
        rows.forEach((row, i) => {
          const one = batchIdentityOf([row])
          single.apply(one.keyIds, one.links, 10_000 + i, one.userIds)
        })
        expect(graphComponents(whole)).toEqual(graphComponents(single))
      }),
      { numRuns: 1000 },
    )
  })
})
