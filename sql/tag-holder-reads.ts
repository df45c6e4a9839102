// The tags held now and, a page at a time, the persons holding one: as rows, or as an Arrow IPC
// stream written by the engine (its Arrow writer is the Apache Arrow library).
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client'
import { namedQuery } from './named-query.ts'
import { query } from './sql-files.ts'

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

// The client's DataFormat names only the formats it parses itself; exec hands back the bytes of any.
const ARROW_OUTPUT = { default_format: 'ArrowStream', output_format_arrow_string_as_string: 1 } as unknown as ClickHouseSettings

/** The same rows as an Arrow IPC stream: person_id Utf8, ids List<Utf8>, since Timestamp(ms, UTC). */
export async function readTagHoldersArrow(client: ClickHouseClient, range: TagHolderRange): Promise<Buffer> {
  const result = await client.exec({
    query: query('tag_holders_page'),
    query_params: { ...range },
    clickhouse_settings: ARROW_OUTPUT,
  })
  const chunks: Buffer[] = []
  for await (const chunk of result.stream) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}
