// Recomputes are prepared while the one before still stores (profile-recompute.ts CommitOrder).
// When a store fails, a recompute prepared against the states it would have stored must not store
// either, and the next one recomputes from what the engine holds: no change is lost.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { COMPLAINT_DEADLINES_MS } from '../models/tags/features-from-facts.ts'
import type { TagChange } from '../models/tags/tag-change.ts'
import { DEFAULT_TAG_SETTINGS } from '../models/tags/tag-settings.ts'
import { inThreadComputer } from '../pipelines/stream/profile-compute-thread.ts'
import { CommitOrder, prepareRecompute, type RecomputeDeps } from '../pipelines/stream/profile-recompute.ts'
import { ProfileStateCache } from '../pipelines/stream/profile-state-cache.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { migrate } from '../sql/migrate.ts'

const NOW = Date.UTC(2026, 5, 1)
const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-commit-order-'))
let ch: ClickHouse
let version = 0
let failStores = 0
const published: TagChange[] = []

beforeAll(async () => {
  ch = await openClickHouse({ user: 'default', password: '', database: 'commit_order', embeddedPath: path.join(dir, 'clickhouse') })
  await migrate(ch.client)
  await ch.client.insert({
    table: 'feature_facts_input', format: 'JSONEachRow',
    values: [{ source: 't', message_id: 'm1', key_id: 'x1', ts: NOW - 60_000, received_at: NOW - 60_000, flags: 1, detail: JSON.stringify([0, '', '', '', '', '', '', null, 'north', '', '']) }],
  })
})
afterAll(async () => {
  await ch?.close()
  rmSync(dir, { recursive: true, force: true })
})

function deps(): RecomputeDeps {
  return {
    client: ch.client, insert: ch, computer: inThreadComputer(DEFAULT_TAG_SETTINGS, { ...COMPLAINT_DEADLINES_MS }, async (changes) => void published.push(...changes)),
    idsOf: () => ['x1'], thresholds: () => ({ clv: null, spend365: null, scored: false }),
    version: () => ++version,
    states: new ProfileStateCache(), commits: new CommitOrder(),
    beforeStateStore: () => {
      if (failStores > 0 && failStores--) throw new Error('injected: the states insert failed')
    },
  }
}

it('fails the recompute prepared behind a failed store, and the next one stores the change', async () => {
  const d = deps()
  failStores = 1
  const first = await prepareRecompute(d, ['p_x'], NOW)
  // Prepared before the first one stored: it finds region:north already held (in the cache).
  // It fails when it is prepared (the store failed while it computed) or when it would store.
  const second = prepareRecompute(d, ['p_x'], NOW).then((p) => p.committed)
  await expect(first.committed).rejects.toThrow(/injected/)
  await expect(second).rejects.toThrow(/profile store/)
  const third = await (await prepareRecompute(d, ['p_x'], NOW)).committed
  expect(third.changes.map((c) => `${c.change} ${c.tag}`)).toContain('added region:north')
  const [row] = await (await ch.client.query({ query: "SELECT active FROM person_tags FINAL WHERE person_id = 'p_x' AND tag = 'region:north'", format: 'JSONEachRow' })).json<{ active: number }>()
  expect(row?.active).toBe(1)
})
