// The stitching rules of the identity graph (README, Identity) on the journeys they are for:
// browsing then identify, two devices then alias, blocklisted ids, two identified users, chains of
// merges, and the same batch applied twice.
import { describe, expect, it } from 'vitest'
import type { EventRow } from '../models/events/event-row.ts'
import { normalizePostHogEvent } from '../models/events/posthog-normalize.ts'
import type { IdLink, UserIdSighting } from '../models/identity/event-ids.ts'
import { BLOCKLISTED_IDS } from '../models/identity/id-blocklist.ts'
import { batchIdentityOf } from '../models/identity/batch-identity.ts'
import { IdentityGraph } from '../models/identity/identity-graph.ts'
import { personIdFor } from '../models/identity/person-id.ts'

const T0 = Date.UTC(2026, 0, 1)
let seq = 0
const identify = (fromId: string, toId: string, ts = T0): IdLink => ({ kind: 'identify', fromId, toId, source: 'web', messageId: `m${++seq}`, ts })
const alias = (fromId: string, toId: string, ts = T0): IdLink => ({ kind: 'alias', fromId, toId, source: 'web', messageId: `m${++seq}`, ts })
/** An event naming `id` as its user id. */
const seen = (id: string, ts = T0): UserIdSighting => ({ id, source: 'web', messageId: `m${++seq}`, ts })

function row(fields: Partial<EventRow>): EventRow {
  return {
    source: 'web', message_id: `r${++seq}`, type: 'track', event: 'Viewed', anonymous_id: '', user_id: '', distinct_id: '', group_id: '',
    previous_id: '', session_id: '', ts: T0, original_ts: null, sent_at: null, received_at: T0, properties: '{}', traits: '{}', context: '{}',
    revenue: null, currency: '', url: '', ip: '', library: '', library_version: '', warnings: [], ...fields,
  } as EventRow
}

/** Applies a batch of events the way the processor does. */
function applyRows(graph: IdentityGraph, rows: EventRow[], at: number) {
  const { keyIds, userIds, links } = batchIdentityOf(rows)
  return graph.apply(keyIds, links, at, userIds)
}

/** A PostHog capture event as the ingest stores it. */
function posthog(raw: Record<string, unknown>): EventRow {
  const out = normalizePostHogEvent(raw, { source: 'app', receivedAt: T0, sentAt: null, ip: '', skipClockSkew: true, sdkInfo: '' }, { maxEventBytes: 32 * 1024 }, ++seq)
  if (!out.ok) throw new Error(`the test event was refused: ${JSON.stringify(out)}`)
  return out.row
}

describe('identity graph rules', () => {
  it('a person id is p_ and the first 16 hex digits of the SHA-256 of the id that created it', () => {
    // SHA-256("abc") is FIPS 180-2's first example: ba7816bf8f01cfea414140de5dae2223...
    expect(personIdFor('abc')).toBe('p_ba7816bf8f01cfea')
    const g = new IdentityGraph()
    g.apply(['abc'], [], T0)
    expect(g.personOf('abc')).toBe('p_ba7816bf8f01cfea')
  })

  it('anonymous browsing then identify: the user id joins the anonymous person, which becomes identified', () => {
    const g = new IdentityGraph()
    applyRows(g, [row({ anonymous_id: 'anon-1' }), row({ anonymous_id: 'anon-1' })], T0)
    const anonPerson = g.personOf('anon-1')!
    expect(anonPerson).toBe(personIdFor('anon-1'))
    expect(g.isIdentified(anonPerson)).toBe(false)
    const changes = applyRows(g, [row({ type: 'identify', anonymous_id: 'anon-1', user_id: 'u-1' })], T0 + 1000)
    expect(changes.links.map((l) => [l.outcome, l.personId])).toEqual([['linked', anonPerson]])
    expect(changes.merges).toEqual([])
    expect(g.personOf('u-1')).toBe(anonPerson)
    expect(g.isIdentified(anonPerson)).toBe(true)
    expect(changes.assignments).toEqual([{ id: 'u-1', personId: anonPerson, identified: true, personCreatedAt: T0 }])
    expect(changes.touchedPersons).toEqual([anonPerson])
  })

  it("an anonymous id's earlier events belong to the identified person after an identify that merges it", () => {
    const g = new IdentityGraph()
    applyRows(g, [row({ type: 'identify', anonymous_id: 'laptop', user_id: 'ann' })], T0)
    const ann = g.personOf('ann')!
    applyRows(g, [row({ anonymous_id: 'phone' }), row({ anonymous_id: 'phone' })], T0 + 1000)
    const phone = g.personOf('phone')!
    expect(phone).not.toBe(ann)
    const changes = applyRows(g, [row({ type: 'identify', anonymous_id: 'phone', user_id: 'ann' })], T0 + 2000)
    expect(changes.merges.map((m) => [m.fromPerson, m.intoPerson, m.idsMoved])).toEqual([[phone, ann, 1]])
    expect(g.personOf('phone')).toBe(ann)
    expect(g.idsOf(ann)).toEqual(['laptop', 'ann', 'phone'])
    expect(g.idsOf(phone)).toEqual([])
    expect(changes.touchedPersons).toEqual([ann])
  })

  it('two anonymous devices then alias: the younger person merges into the older', () => {
    const g = new IdentityGraph()
    g.apply(['tablet'], [], T0 + 5000)
    g.apply(['desktop'], [], T0)
    const desktop = g.personOf('desktop')!
    const tablet = g.personOf('tablet')!
    const changes = g.apply(['desktop'], [alias('desktop', 'tablet')], T0 + 9000)
    expect(changes.links[0].outcome).toBe('merged')
    expect(changes.merges.map((m) => [m.fromPerson, m.intoPerson])).toEqual([[tablet, desktop]])
    expect(g.personOf('tablet')).toBe(desktop)
    expect(g.isIdentified(desktop)).toBe(false)
    expect(g.personCount).toBe(1)
  })

  it('a merge keeps the identified person, even when it is the younger one', () => {
    const g = new IdentityGraph()
    g.apply(['old-anon'], [], T0)
    g.apply(['bob'], [], T0 + 1000, [seen('bob', T0 + 1000)])
    const changes = g.apply([], [alias('bob', 'old-anon')], T0 + 2000)
    expect(changes.merges.map((m) => [m.fromPerson, m.intoPerson])).toEqual([[personIdFor('old-anon'), personIdFor('bob')]])
    expect(changes.assignments.map((a) => [a.id, a.personId, a.personCreatedAt])).toEqual([['old-anon', personIdFor('bob'), T0 + 1000]])
  })

  it('a blocklisted id never links and keys no person; the refusal names it', () => {
    for (const bad of [...['null', 'undefined', 'anonymous', 'guest', '0', '[object Object]', ''], ...BLOCKLISTED_IDS]) {
      const g = new IdentityGraph()
      const changes = g.apply([bad, 'real-user'], [identify(bad, 'real-user'), alias('real-user', bad)], T0, [seen(bad)])
      expect(changes.links.map((l) => l.outcome)).toEqual(['refused', 'refused'])
      for (const l of changes.links) expect(l.reason).toContain(JSON.stringify(bad))
      expect(g.personOf(bad)).toBeUndefined()
      expect(g.size).toBe(1)
    }
  })

  it('two identified users are never merged, and the refusal names both persons', () => {
    const g = new IdentityGraph()
    applyRows(g, [row({ type: 'identify', anonymous_id: 'shared-ipad', user_id: 'carol' })], T0)
    applyRows(g, [row({ user_id: 'dave' })], T0)
    const carol = g.personOf('carol')!
    const dave = g.personOf('dave')!
    const changes = applyRows(g, [row({ type: 'identify', anonymous_id: 'shared-ipad', user_id: 'dave', ts: T0 + 10 })], T0 + 1000)
    expect(changes.links[0].outcome).toBe('refused')
    expect(changes.links[0].reason).toContain(carol)
    expect(changes.links[0].reason).toContain(dave)
    expect(changes.links[0].personId).toBe(dave)
    expect(changes.merges).toEqual([])
    expect(g.personOf('shared-ipad')).toBe(carol)
    // A user id seen for the first time is identified too: it does not join another user's person.
    const erin = applyRows(g, [row({ type: 'identify', anonymous_id: 'shared-ipad', user_id: 'erin' })], T0 + 2000)
    expect(erin.links[0].outcome).toBe('refused')
    expect(g.personOf('erin')).toBe(personIdFor('erin'))
  })

  it('merge chains: A->B then B->C end with every id on one person, the merged-away persons gone', () => {
    const g = new IdentityGraph()
    g.apply(['a'], [], T0)
    g.apply(['b'], [], T0 + 1)
    g.apply(['c'], [], T0 + 2)
    const first = g.apply([], [alias('b', 'a', T0 + 10)], T0 + 100)
    const second = g.apply([], [alias('c', 'b', T0 + 20)], T0 + 200)
    const a = personIdFor('a')
    expect([...first.merges, ...second.merges].map((m) => [m.fromPerson, m.intoPerson, m.idsMoved])).toEqual([[personIdFor('b'), a, 1], [personIdFor('c'), a, 1]])
    expect(['a', 'b', 'c'].map((id) => g.personOf(id))).toEqual([a, a, a])
    expect(second.touchedPersons).toEqual([a])
    // Links of one batch are applied in event order, not in the order given.
    const h = new IdentityGraph()
    h.apply(['x', 'y', 'z'], [], T0)
    const both = h.apply([], [alias('z', 'y', T0 + 2), alias('y', 'x', T0 + 1)], T0 + 10)
    expect(both.links.map((l) => l.link.fromId)).toEqual(['y', 'z'])
    expect(both.merges.map((m) => m.idsMoved)).toEqual([1, 1])
  })

  it('PostHog: $identify stitches the anonymous distinct id; $create_alias of an identified distinct id is refused', () => {
    const g = new IdentityGraph()
    applyRows(g, [posthog({ event: '$pageview', distinct_id: 'ph-anon' })], T0)
    const anon = g.personOf('ph-anon')!
    expect(g.isIdentified(anon)).toBe(false)
    applyRows(g, [posthog({ event: '$identify', distinct_id: 'gina', properties: { $anon_distinct_id: 'ph-anon' } }), posthog({ event: 'Paid', distinct_id: 'gina' })], T0 + 1000)
    expect(g.personOf('gina')).toBe(anon)
    expect(g.isIdentified(anon)).toBe(true)
    applyRows(g, [posthog({ event: '$identify', distinct_id: 'hank' })], T0 + 2000)
    const changes = applyRows(g, [posthog({ event: '$create_alias', distinct_id: 'hank', properties: { alias: 'gina' } })], T0 + 3000)
    expect(changes.links.map((l) => [l.link.kind, l.outcome])).toEqual([['alias', 'refused']])
    const later = applyRows(g, [posthog({ event: '$create_alias', distinct_id: 'hank', properties: { alias: 'ph-tablet' } })], T0 + 4000)
    expect(later.links.map((l) => l.outcome)).toEqual(['linked'])
    expect(g.personOf('ph-tablet')).toBe(g.personOf('hank'))
  })

  it('the same batch applied twice changes nothing the second time', () => {
    const g = new IdentityGraph()
    const rows = [
      row({ anonymous_id: 'v1' }), row({ type: 'identify', anonymous_id: 'v1', user_id: 'fay' }), row({ anonymous_id: 'v2' }),
      row({ type: 'alias', previous_id: 'v2', user_id: 'fay' }), row({ type: 'identify', anonymous_id: 'null', user_id: 'fay' }),
    ]
    const first = applyRows(g, rows, T0)
    const before = [...g.assignments()]
    const again = applyRows(g, rows, T0 + 1000)
    expect(again.assignments).toEqual([])
    expect(again.merges).toEqual([])
    expect(again.links.map((l) => l.outcome)).toEqual(first.links.map((l) => (l.outcome === 'refused' ? 'refused' : 'already_linked')))
    expect([...g.assignments()]).toEqual(before)
    expect(again.version).toBeGreaterThan(first.version)
  })
})

describe('a Segment alias chain in one batch', () => {
  it('links every id into one person: an alias marks no id identified', () => {
    const g = new IdentityGraph()
    const rows = Array.from({ length: 100 }, (_, i) => row({ type: 'alias', previous_id: `a${i + 1}`, user_id: `a${i}`, ts: T0 + i }))
    const changes = applyRows(g, rows, T0 + 1000)
    expect(new Set(changes.links.map((l) => l.outcome))).toEqual(new Set(['linked']))
    expect(g.personCount).toBe(1)
    expect(g.idsOf(g.personOf('a0')!).length).toBe(101)
  })
})
