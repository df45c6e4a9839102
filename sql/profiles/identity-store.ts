// The identity graph in ClickHouse (sql/migrations/006_identity.sql): loaded page by page at
// start, and each batch's changes written before its messages are acked.
import type { ClickHouseClient } from '@clickhouse/client'
import { IdentityGraph } from '../../models/identity/identity-graph.ts'
import type { IdentityChanges, LinkOutcome } from '../../models/identity/identity-changes.ts'
import { query } from '../sql-files.ts'

/** Rows per page of the load: the peak it holds beyond the graph itself. */
export const LOAD_PAGE_ROWS = 200_000

const NUMBERS_UNQUOTED = { output_format_json_quote_64bit_integers: 0 } as const

// A replayed event finds its link already applied; ranking that outcome lowest keeps the first one.
const OUTCOME_RANK: Record<LinkOutcome, number> = { already_linked: 0, linked: 1, merged: 1, refused: 1 }

/**
 * `2026-01-31 12:00:00.000`: DateTime64(3) reads it for every time it holds. (Epoch `seconds.mmm`
 * is misread below 10^8 seconds, before 1973-03-03: one old identify then failed every batch.)
 */
function timeText(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().replace('T', ' ').replace('Z', '')
}

type PageRow = [id: string, personId: string, identified: number, personCreatedAt: number, version: number]

/** The stored graph (person_ids FINAL), read in pages of `pageRows` ids so 1 M ids load without a large peak. */
export async function loadIdentityGraph(client: ClickHouseClient, pageRows = LOAD_PAGE_ROWS): Promise<IdentityGraph> {
  const graph = new IdentityGraph()
  let after = ''
  for (;;) {
    const result = await client.query({
      query: query('person_ids_page'),
      query_params: { after, limit: pageRows },
      format: 'JSONCompactEachRow',
      clickhouse_settings: NUMBERS_UNQUOTED,
    })
    const rows = await result.json<PageRow>()
    for (const [id, personId, identified, personCreatedAt, version] of rows) {
      graph.restore({ id, personId, identified: identified === 1, personCreatedAt: Number(personCreatedAt), version: Number(version) })
    }
    if (rows.length < pageRows) return graph
    after = rows[rows.length - 1][0]
  }
}

/**
 * Writes a batch's link outcomes, merges and assignments; `at` is the batch's time (the clock's
 * now). The assignments go last: a crash before them leaves the stored graph as it was, so the
 * redelivered batch is applied afresh and rewrites the same links and merges (they collapse).
 * After a failed write the graph in memory is ahead of the stored one: reload it
 * (loadIdentityGraph) before the batch is applied again, or its assignments would never be written.
 */
export async function storeIdentityChanges(client: ClickHouseClient, changes: IdentityChanges, at: number): Promise<void> {
  const recordedAt = timeText(at)
  if (changes.links.length > 0) {
    await client.insert({
      table: 'identity_links',
      format: 'JSONEachRow',
      values: changes.links.map(({ link, outcome, reason, personId }) => ({
        source: link.source,
        message_id: link.messageId,
        kind: link.kind,
        from_id: link.fromId,
        to_id: link.toId,
        ts: timeText(link.ts),
        outcome,
        reason,
        person_id: personId,
        outcome_rank: OUTCOME_RANK[outcome],
        recorded_at: recordedAt,
      })),
    })
  }
  if (changes.merges.length > 0) {
    await client.insert({
      table: 'person_merges',
      format: 'JSONEachRow',
      values: changes.merges.map((m) => ({
        from_person: m.fromPerson,
        into_person: m.intoPerson,
        source: m.link.source,
        message_id: m.link.messageId,
        kind: m.link.kind,
        at: recordedAt,
        ids_moved: m.idsMoved,
      })),
    })
  }
  if (changes.assignments.length > 0) {
    await client.insert({
      table: 'person_ids',
      format: 'JSONEachRow',
      values: changes.assignments.map((a) => ({
        id: a.id,
        person_id: a.personId,
        identified: a.identified ? 1 : 0,
        person_created_at: timeText(a.personCreatedAt),
        version: changes.version,
      })),
    })
  }
}
