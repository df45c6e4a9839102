// An audience's members now, and its change sets: each sync logs the moves since the audience's
// previous sync (sql/queries/audience_sync_moves.sql), then compares any earlier sync with it.
import type { ClickHouseClient } from '@clickhouse/client'
import { engineTimeText } from '../engine-time-text.ts'
import { namedQuery } from '../named-query.ts'
import { query } from '../sql-files.ts'
import { namedTags, type AudienceTags } from '../../models/tags/audience-definition.ts'

export interface AudienceMember {
  person_id: string
  ids: string[]
}

export interface ChangeSet {
  joined: AudienceMember[]
  left: AudienceMember[]
  /** The sync this change set ends at: the cursor of the next one. */
  seq: number
  members: number
}

export interface SyncPoint {
  seq: number
  members: number
  takenAt: number
}

const tagParams = (tags: AudienceTags) => ({ named: namedTags(tags), all: tags.all, any_of: tags.any_of, none: tags.none })

export async function countMembers(client: ClickHouseClient, tags: AudienceTags): Promise<number> {
  const [row] = await namedQuery<{ members: number }>(client, 'audience_member_count', tagParams(tags))
  return Number(row.members)
}

/** Members after `after` (person id order), at most `limit`. */
export async function readMembers(client: ClickHouseClient, tags: AudienceTags, after: string, limit: number): Promise<AudienceMember[]> {
  return namedQuery<AudienceMember>(client, 'audience_members_page', { ...tagParams(tags), after, limit })
}

export async function syncPoint(client: ClickHouseClient, audience: string, seq: number): Promise<SyncPoint | undefined> {
  const [row] = await namedQuery<{ seq: number; members: number; taken_at: number }>(client, 'audience_sync_of', { audience, seq })
  return row && { seq: Number(row.seq), members: Number(row.members), takenAt: Number(row.taken_at) }
}

export class AudienceSyncs {
  /** Syncs of one audience run one at a time: each logs the moves since the one before. */
  private chains = new Map<string, Promise<unknown>>()

  constructor(private readonly client: ClickHouseClient) {}

  /**
   * Logs a new sync and answers who joined and who left between sync `from` (0: none, so every
   * member joined) and it. `wallNow` numbers the syncs: above every earlier one, even across a
   * deletion of the audience (whose log goes with it), so an old cursor never names a new sync.
   */
  sync(audience: string, tags: AudienceTags, from: number, takenAt: number, wallNow: number): Promise<ChangeSet> {
    const previous = this.chains.get(audience) ?? Promise.resolve()
    const result = previous.then(() => this.syncNow(audience, tags, from, takenAt, wallNow))
    const settled = result.catch(() => {})
    this.chains.set(audience, settled)
    void settled.then(() => {
      if (this.chains.get(audience) === settled) this.chains.delete(audience)
    })
    return result
  }

  private async syncNow(audience: string, tags: AudienceTags, from: number, takenAt: number, wallNow: number): Promise<ChangeSet> {
    const [last] = await namedQuery<{ seq: number }>(this.client, 'audience_last_seq', { audience })
    const seq = Math.max(Number(last.seq) + 1, wallNow)
    await this.client.command({ query: query('audience_sync_moves'), query_params: { ...tagParams(tags), audience, seq } })
    const rows = await namedQuery<AudienceMember & { joined: number }>(this.client, 'audience_changes_between', { audience, from, to: seq })
    const [{ members }] = await namedQuery<{ members: number }>(this.client, 'audience_members_at', { audience, to: seq })
    await this.client.insert({ table: 'audience_syncs', format: 'JSONEachRow', values: [{ audience, seq, taken_at: engineTimeText(takenAt), members: Number(members) }] })
    const joined: AudienceMember[] = []
    const left: AudienceMember[] = []
    for (const r of rows) (Number(r.joined) === 1 ? joined : left).push({ person_id: r.person_id, ids: r.ids })
    return { joined, left, seq, members: Number(members) }
  }
}
