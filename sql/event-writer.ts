// Batched inserts of stored events and dead letters. Times travel as 'YYYY-MM-DD hh:mm:ss.sss'
// (UTC), the one DateTime64 text form every ClickHouse accepts without input-format settings.
import type { ClickHouseClient } from '@clickhouse/client'
import type { DeadLetterRow, EventRow } from '../models/event-row.ts'

export function clickhouseTime(ms: number): string {
  const iso = new Date(ms).toISOString()
  return iso.slice(0, 10) + ' ' + iso.slice(11, 23)
}

function eventForInsert(r: EventRow, streamSeq: number): Record<string, unknown> {
  return {
    ...r,
    ts: clickhouseTime(r.ts),
    original_ts: r.original_ts === null ? null : clickhouseTime(r.original_ts),
    sent_at: r.sent_at === null ? null : clickhouseTime(r.sent_at),
    received_at: clickhouseTime(r.received_at),
    stream_seq: streamSeq,
  }
}

export interface SequencedRow {
  row: EventRow
  streamSeq: number
}

export async function insertEvents(client: ClickHouseClient, rows: SequencedRow[]): Promise<void> {
  if (rows.length === 0) return
  await client.insert({ table: 'events', values: rows.map((r) => eventForInsert(r.row, r.streamSeq)), format: 'JSONEachRow' })
}

export async function insertDeadLetters(client: ClickHouseClient, rows: DeadLetterRow[]): Promise<void> {
  if (rows.length === 0) return
  await client.insert({
    table: 'dead_letters',
    values: rows.map((r) => ({ ...r, received_at: clickhouseTime(r.received_at) })),
    format: 'JSONEachRow',
  })
}
