// The embedded engine's identity cache: person_of_id as a Join-engine table (an in-memory hash
// table of id -> person) instead of the view of migration 017. Every analysis joins its events to
// the ids' persons; with the view each query reads person_ids FINAL and hashes every id first
// (about 0.1 s per million ids), with the table the hash table is already built.
// Exact because the table holds what the view would answer: filled from person_ids FINAL when the
// engine opens (before anything writes: the data folder's lock keeps other processes out), then fed
// by a materialised view with each insert, and a later row of an id replaces the earlier one as
// the higher version does in person_ids (the profile stage, the one writer, inserts in version
// order). A ClickHouse server keeps the view: there other processes may write at any time, and a
// restart of the server would leave a table of this kind empty.
import type { ClickHouseClient } from '@clickhouse/client'
import { namedQuery } from '../named-query.ts'
import { query } from '../sql-files.ts'

interface CacheState {
  has_person_ids: number | string
  engine: string
}

/**
 * Builds the cache on an embedded engine's database whose identity table exists (after its
 * migrations); a no-op on a fresh folder, whose view is exact and empty. Costs about 0.3 s and
 * 140 bytes of memory per id.
 */
export async function loadIdentityCache(client: ClickHouseClient): Promise<boolean> {
  const [state] = await namedQuery<CacheState>(client, 'identity_cache_state')
  if (Number(state?.has_person_ids ?? 0) === 0) return false
  for (const step of ['identity_cache_drop_feed', 'identity_cache_drop', 'identity_cache_create', 'identity_cache_feed', 'identity_cache_fill']) {
    await client.command({ query: query(step) })
  }
  return true
}

/** The engine behind person_of_id now: 'View' (migration 017), 'Join' (the cache) or '' (none yet). */
export async function identityCacheEngine(client: ClickHouseClient): Promise<string> {
  const [state] = await namedQuery<CacheState>(client, 'identity_cache_state')
  return state?.engine ?? ''
}
