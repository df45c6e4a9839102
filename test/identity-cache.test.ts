// The embedded engine's identity cache (sql/profiles/identity-cache.ts): person_of_id answers, for
// every id, what person_ids FINAL answers, after random identify / alias batches stored as the
// profile stage stores them, and again after the engine is closed and opened (it is not persisted,
// so an open must fill it). Before the cache is loaded, migration 017's view answers.
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IdLink } from '../models/identity/event-ids.ts'
import { IdentityGraph } from '../models/identity/identity-graph.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { identityCacheEngine, loadIdentityCache } from '../sql/profiles/identity-cache.ts'
import { storeIdentityChanges } from '../sql/profiles/identity-store.ts'
import { migrate } from '../sql/migrate.ts'
import { tempDir } from './helpers/test-pulse.ts'

const target = { user: 'default', password: '', database: 'identity_cache', embeddedPath: path.join(tempDir('identity-cache'), 'clickhouse') }
let ch: ClickHouse
beforeAll(async () => {
  ch = await openClickHouse(target)
  await migrate(ch.client)
})
afterAll(async () => {
  await ch?.close()
})

const T0 = Date.UTC(2026, 2, 1)
const POOL = ['a1', 'a2', 'a3', 'a4', 'u1', 'u2', 'u3', 'null']

async function rows<T>(sql: string): Promise<T[]> {
  return (await ch.client.query({ query: sql, format: 'JSONEachRow' })).json<T>()
}

/** Ids whose cached person differs from person_ids FINAL's, and how many ids there are. */
async function disagreements() {
  const differing = await rows<{ id: string; cached: string; stored: string }>(`
    SELECT s.id AS id, c.person_id AS cached, s.person_id AS stored
    FROM (SELECT id, person_id FROM person_ids FINAL) AS s
    LEFT ANY JOIN person_of_id AS c ON c.id = s.id
    WHERE cached != stored`)
  const [{ n }] = await rows<{ n: string }>('SELECT count() AS n FROM person_ids FINAL')
  return { differing, ids: Number(n) }
}

const batchArb = fc.record({
  keyIds: fc.subarray(POOL, { minLength: 1 }),
  links: fc.array(fc.record({ kind: fc.constantFrom<IdLink['kind']>('identify', 'alias'), from: fc.constantFrom(...POOL), to: fc.constantFrom(...POOL) }), { maxLength: 3 }),
  users: fc.subarray(['u1', 'u2', 'u3']),
})

describe('identity cache', () => {
  it('is the migration\'s view until loaded, then an in-memory Join table', async () => {
    expect(await identityCacheEngine(ch.client)).toBe('View')
    expect(await loadIdentityCache(ch.client)).toBe(true)
    expect(await identityCacheEngine(ch.client)).toBe('Join')
  })

  it('answers as person_ids FINAL after every stored batch of random links', async () => {
    let seq = 0
    let merges = 0
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 6 }), async (batches) => {
        await ch.client.command({ query: 'TRUNCATE TABLE person_ids' })
        await loadIdentityCache(ch.client)
        const graph = new IdentityGraph()
        for (const [i, b] of batches.entries()) {
          const at = T0 + i * 60_000
          const links: IdLink[] = b.links.map((l) => ({ kind: l.kind, fromId: l.from, toId: l.to, source: 'app', messageId: `m-${++seq}`, ts: at }))
          const changes = graph.apply(b.keyIds, links, at, b.users.map((id) => ({ id, source: 'app', messageId: `seen-${++seq}`, ts: at })))
          merges += changes.merges.length
          await storeIdentityChanges(ch.client, changes, at)
          const { differing, ids } = await disagreements()
          expect(differing).toEqual([])
          expect(ids).toBe([...graph.assignments()].length)
        }
      }),
      { numRuns: 25 },
    )
    // The runs moved ids between persons, the case where the later row must win.
    expect(merges).toBeGreaterThan(0)
  })

  it('is filled again when the engine opens: it does not outlive its process', async () => {
    const graph = new IdentityGraph()
    await ch.client.command({ query: 'TRUNCATE TABLE person_ids' })
    await loadIdentityCache(ch.client)
    await storeIdentityChanges(ch.client, graph.apply(['a1', 'a2'], [], T0), T0)
    const merged = graph.apply([], [{ kind: 'alias', fromId: 'a2', toId: 'a1', source: 'app', messageId: 'reopen-1', ts: T0 }], T0 + 1)
    expect(merged.merges.length).toBe(1)
    await storeIdentityChanges(ch.client, merged, T0 + 1)
    await ch.close()
    ch = await openClickHouse(target)
    expect(await identityCacheEngine(ch.client)).toBe('Join')
    const { differing, ids } = await disagreements()
    expect(differing).toEqual([])
    expect(ids).toBe(2)
    const [a1, a2] = await rows<{ p: string }>("SELECT joinGet('person_of_id', 'person_id', id) AS p FROM (SELECT arrayJoin(['a1', 'a2']) AS id) ORDER BY id")
    expect(a2.p).toBe(graph.personOf('a1'))
    expect(a1.p).toBe(graph.personOf('a1'))
  })
})
