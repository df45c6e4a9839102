// The tags held now and, a page at a time, the persons holding one.
import type { ClickHouseClient } from '@clickhouse/client'
import { namedQuery } from '../named-query.ts'

export interface HeldTag {
  tag: string
  layer: string
  customers: number
}

export interface TagHolder {
  person_id: string
  ids: string[]
  /** ISO-8601 UTC. */
  since: string
}

export interface TagHolderRange {
  tag: string
  /** Person ids after this one ('' from the start). */
  after: string
  /** Up to and including this one ('' for no bound). */
  through: string
  limit: number
}

export async function readHeldTags(client: ClickHouseClient): Promise<HeldTag[]> {
  return (await namedQuery<HeldTag>(client, 'held_tag_counts')).map((r) => ({ ...r, customers: Number(r.customers) }))
}

/** The engine's DateTime64 text (UTC, no zone) as ISO-8601. */
const isoOfEngineTime = (text: string) => `${text.replace(' ', 'T')}Z`

export async function readTagHolders(client: ClickHouseClient, range: TagHolderRange): Promise<TagHolder[]> {
  const rows = await namedQuery<TagHolder>(client, 'tag_holders_page', { ...range })
  return rows.map((r) => ({ person_id: r.person_id, ids: r.ids, since: isoOfEngineTime(r.since) }))
}
