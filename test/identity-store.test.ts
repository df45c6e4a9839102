// The identity graph stored in the embedded engine and loaded back: the same persons, identified
// flags and creation times after a reload, a later assignment winning even when the clock is set
// earlier after a restart, and a redelivered batch collapsing onto its first link outcomes.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IdLink } from '../models/identity/event-ids.ts'
import { IdentityGraph } from '../models/identity/identity-graph.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { loadIdentityGraph, storeIdentityChanges } from '../sql/profiles/identity-store.ts'
import { migrate } from '../sql/migrate.ts'
import { tempDir } from './helpers/test-pulse.ts'

let ch: ClickHouse
beforeAll(async () => {
  ch = await openClickHouse({ user: 'default', password: '', database: 'identity_store', embeddedPath: path.join(tempDir('identity-store'), 'clickhouse') })
  await migrate(ch.client)
})
afterAll(async () => {
  await ch?.close()
})

const T0 = Date.UTC(2026, 2, 1)
let seq = 0
const link = (kind: IdLink['kind'], fromId: string, toId: string): IdLink => ({ kind, fromId, toId, source: 'app', messageId: `msg-${++seq}`, ts: T0 + seq })

function snapshot(g: IdentityGraph) {
  return [...g.assignments()]
    .map((a) => ({ ...a, personIdentified: g.isIdentified(a.personId) }))
    .sort((x, y) => (x.id < y.id ? -1 : 1))
}

async function rows<T>(sql: string): Promise<T[]> {
  return (await ch.client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>()
}

describe('identity store', () => {
  it('apply, store, reload from ClickHouse: the same graph, read in pages', async () => {
    const g = new IdentityGraph()
    const batches: Array<[string[], IdLink[], string[]]> = [
      [['anon-1', 'anon-2', 'anon-3', 'guest'], [], []],
      [['u-1'], [link('identify', 'anon-1', 'u-1')], ['u-1']],
      [['anon-4', 'u-2'], [link('alias', 'anon-2', 'anon-3'), link('identify', 'anon-4', 'u-2')], ['u-2']],
      [['u-1'], [link('identify', 'anon-3', 'u-1'), link('identify', 'anon-4', 'u-1'), link('identify', 'null', 'u-1')], ['u-1']],
    ]
    const applied = []
    for (const [i, [keyIds, links, userIds]] of batches.entries()) {
      const at = T0 + i * 60_000
      const changes = g.apply(keyIds, links, at, userIds.map((id) => ({ id, source: 'web', messageId: `seen-${i}-${id}`, ts: at - 60_000 })))
      applied.push(changes)
      await storeIdentityChanges(ch.client, changes, at)
    }
    for (const pageRows of [3, 1000]) {
      const loaded = await loadIdentityGraph(ch.client, pageRows)
      expect(snapshot(loaded)).toEqual(snapshot(g))
      expect(loaded.personCount).toBe(g.personCount)
      expect(loaded.version).toBe(g.version)
    }
    const merges = applied.flatMap((c) => c.merges)
    expect(merges.length).toBe(2)
    expect(await rows('SELECT from_person, into_person, message_id, ids_moved FROM person_merges FINAL ORDER BY message_id')).toEqual(
      merges.map((m) => ({ from_person: m.fromPerson, into_person: m.intoPerson, message_id: m.link.messageId, ids_moved: m.idsMoved })),
    )
    const links = applied.flatMap((c) => c.links)
    expect(new Set(links.map((l) => l.outcome))).toEqual(new Set(['linked', 'merged', 'refused']))
    expect(await rows('SELECT message_id, outcome, reason, person_id FROM identity_links FINAL ORDER BY message_id')).toEqual(
      links.map((l) => ({ message_id: l.link.messageId, outcome: l.outcome, reason: l.reason, person_id: l.personId })).sort((a, b) => (a.message_id < b.message_id ? -1 : 1)),
    )
  })

  it('after a restart a later assignment wins, even with the clock set earlier; a redelivered batch keeps its first outcomes', async () => {
    await ch.client.command({ query: 'TRUNCATE TABLE person_ids' })
    const first = new IdentityGraph()
    await storeIdentityChanges(ch.client, first.apply(['dev-x'], [], T0 + 10 * 60_000), T0)
    await storeIdentityChanges(ch.client, first.apply(['dev-y'], [], T0 + 20 * 60_000), T0)

    // Restarted with `--now` an hour before: the merge must still replace dev-y's first row.
    const restarted = await loadIdentityGraph(ch.client)
    const early = T0 - 3_600_000
    const mergeLink = link('alias', 'dev-y', 'dev-x')
    const changes = restarted.apply([], [mergeLink], early)
    expect(changes.version).toBeGreaterThan(first.version)
    await storeIdentityChanges(ch.client, changes, early)

    const again = await loadIdentityGraph(ch.client)
    expect(again.personOf('dev-y')).toBe(first.personOf('dev-x'))
    expect(snapshot(again)).toEqual(snapshot(restarted))

    // The batch is redelivered (crash before its ack): now already linked, the stored outcome stays.
    await storeIdentityChanges(ch.client, again.apply([], [mergeLink], early), early)
    const stored = await rows<{ outcome: string }>(`SELECT outcome FROM identity_links FINAL WHERE message_id = '${mergeLink.messageId}'`)
    expect(stored).toEqual([{ outcome: 'merged' }])
  })
})
