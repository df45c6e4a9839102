// The identity graph in ClickHouse (sql/migrations/006_identity.sql): loaded page by page at
// start, and each batch's changes written before its messages are acked.
import type { ClickHouseClient } from '@clickhouse/client'
import { IdentityGraph } from '../../models/identity/identity-graph.ts'
import type { IdentityChanges, LinkOutcome } from '../../models/identity/identity-changes.ts'
import { query } from '../sql-files.ts'
import { engineTimeText } from '../engine-time-text.ts'
import { insertJsonRows } from '../json-rows-insert.ts'

/** Rows per page of the load: the peak it holds beyond the graph itself. */
export const LOAD_PAGE_ROWS = 200_000

const NUMBERS_UNQUOTED = { output_format_json_quote_64bit_integers: 0 } as const

// A replayed event finds its link already applied; ranking that outcome lowest keeps the first one.
const OUTCOME_RANK: Record<LinkOutcome, number> = { already_linked: 0, linked: 1, merged: 1, refused: 1 }


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
  const recordedAt = engineTimeText(at)
  await insertJsonRows(client, 'identity_links', changes.links.map(({ link, outcome, reason, personId }) => ({
    source: link.source,
    message_id: link.messageId,
    kind: link.kind,
    from_id: link.fromId,
    to_id: link.toId,
    ts: engineTimeText(link.ts),
    outcome,
    reason,
    person_id: personId,
    outcome_rank: OUTCOME_RANK[outcome],
    recorded_at: recordedAt,
  })))
  await insertJsonRows(client, 'person_merges', changes.merges.map((m) => ({
    from_person: m.fromPerson,
    into_person: m.intoPerson,
    source: m.link.source,
    message_id: m.link.messageId,
    kind: m.link.kind,
    at: recordedAt,
    ids_moved: m.idsMoved,
  })))
  await insertJsonRows(client, 'person_ids', changes.assignments.map((a) => ({
    id: a.id,
    person_id: a.personId,
    identified: a.identified ? 1 : 0,
    person_created_at: engineTimeText(a.personCreatedAt),
    version: changes.version,
  })))
}
