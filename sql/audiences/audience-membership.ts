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

/** Before a sync is recorded: false leaves it unrecorded (its moves stay in the log, no cursor names it). */
export type BeforeRecord = (changes: ChangeSet) => Promise<boolean>

/** The newest sync whose change set was pushed; 0 before the first. */
export async function lastPushedSeq(client: ClickHouseClient, audience: string): Promise<number> {
  const [row] = await namedQuery<{ seq: number }>(client, 'audience_last_pushed', { audience })
  return Number(row.seq)
}

/**
 * Syncs of one audience run one at a time in the process, whoever asks (the API, the push job):
 * each logs the moves since the one before.
 */
const chains = new Map<string, Promise<unknown>>()

export class AudienceSyncs {
  constructor(private readonly client: ClickHouseClient) {}

  /**
   * Logs a new sync and answers who joined and who left between sync `from` (0: none, so every
   * member joined) and it. `wallNow` numbers the syncs: above every earlier one, even across a
   * deletion of the audience (whose log goes with it), so an old cursor never names a new sync.
   */
  sync(audience: string, tags: AudienceTags, from: number, takenAt: number, wallNow: number, beforeRecord?: BeforeRecord): Promise<ChangeSet> {
    const previous = chains.get(audience) ?? Promise.resolve()
    const result = previous.then(() => this.syncNow(audience, tags, from, takenAt, wallNow, beforeRecord))
    const settled = result.catch(() => {})
    chains.set(audience, settled)
    void settled.then(() => {
      if (chains.get(audience) === settled) chains.delete(audience)
    })
    return result
  }

  private async syncNow(audience: string, tags: AudienceTags, from: number, takenAt: number, wallNow: number, beforeRecord?: BeforeRecord): Promise<ChangeSet> {
    const [last] = await namedQuery<{ seq: number }>(this.client, 'audience_last_seq', { audience })
    const seq = Math.max(Number(last.seq) + 1, wallNow)
    await this.client.command({ query: query('audience_sync_moves'), query_params: { ...tagParams(tags), audience, seq } })
    const rows = await namedQuery<AudienceMember & { joined: number }>(this.client, 'audience_changes_between', { audience, from, to: seq })
    const [{ members }] = await namedQuery<{ members: number }>(this.client, 'audience_members_at', { audience, to: seq })
    const joined: AudienceMember[] = []
    const left: AudienceMember[] = []
    for (const r of rows) (Number(r.joined) === 1 ? joined : left).push({ person_id: r.person_id, ids: r.ids })
    const changes = { joined, left, seq, members: Number(members) }
    if (beforeRecord && !(await beforeRecord(changes))) return changes
    const pushed = beforeRecord ? 1 : 0
    await this.client.insert({ table: 'audience_syncs', format: 'JSONEachRow', values: [{ audience, seq, taken_at: engineTimeText(takenAt), members: changes.members, pushed }] })
    return changes
  }
}
