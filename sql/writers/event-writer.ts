// Batched inserts of stored events and dead letters. Events are written straight into one
// TabSeparated body in the order of EVENT_COLUMNS (times: see TimeText): the JSON texts of
// properties, traits and context need no second escaping in TSV, so the body is half the size of
// JSONEachRow and the engine parses it in half the time (bench/RESULTS.md). The normalisers have
// already refused every value a column cannot hold (times outside 1900-2299, amounts that are not
// finite), so an encoded batch always inserts.
import type { ClickHouseClient } from '@clickhouse/client'
import type { DeadLetterRow, EventRow } from '../../models/events/event-row.ts'
import type { ClickHouse, EncodedRows, TabSeparatedTarget } from '../clickhouse-client.ts'
import { tsvArray, tsvJson, tsvNullable as nullable, tsvText as tsv, tsvTime } from './tsv-fields.ts'

export const EVENT_COLUMNS = [
  'source', 'message_id', 'type', 'event', 'anonymous_id', 'user_id', 'distinct_id', 'group_id', 'previous_id', 'session_id',
  'ts', 'original_ts', 'sent_at', 'received_at', 'properties', 'traits', 'context', 'revenue', 'currency', 'url', 'ip',
  'library', 'library_version', 'warnings', 'stream_seq',
] as const

export const EVENTS_TARGET: TabSeparatedTarget = { table: 'events', columns: EVENT_COLUMNS, fileStatement: 'insert_events_from_file', settings: { optimize_on_insert: 0 } }

/**
 * Epoch ms -> the text DateTime64(3) reads (tsvTime), remembering the last value per column:
 * within one message the receive time, usually the send time and often the event times repeat.
 */
class TimeText {
  private last = NaN
  private text = ''
  of(ms: number | null): string {
    if (ms === null) return '\\N'
    if (ms !== this.last) {
      this.last = ms
      this.text = tsvTime(ms)
    }
    return this.text
  }
}

const tsText = new TimeText()
const originalText = new TimeText()
const sentText = new TimeText()
const receivedText = new TimeText()

/** True when none of the texts holds a character TabSeparated escapes. */
export function escapeFree(texts: Iterable<string>): boolean {
  // Four native searches run several times faster than one character-class regex over a whole request.
  for (const t of texts) if (t.indexOf('\\') >= 0 || t.indexOf('\t') >= 0 || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) return false
  return true
}

/** The line of a row none of whose texts needs escaping (see eventLines). */
function plainEventLine(r: EventRow, seq: string): string {
  return (
    `${r.source}\t${r.message_id}\t${r.type}\t${r.event}\t${r.anonymous_id}\t${r.user_id}\t${r.distinct_id}` +
    `\t${r.group_id}\t${r.previous_id}\t${r.session_id}\t${tsText.of(r.ts)}\t${originalText.of(r.original_ts)}\t${sentText.of(r.sent_at)}\t${receivedText.of(r.received_at)}` +
    `\t${r.properties}\t${r.traits}\t${r.context}\t${nullable(r.revenue)}\t${r.currency}\t${r.url}\t${r.ip}` +
    `\t${r.library}\t${r.library_version}\t${tsvArray(r.warnings)}\t${seq}\n`
  )
}

function eventLine(r: EventRow, seq: string): string {
  return (
    `${tsv(r.source)}\t${tsv(r.message_id)}\t${r.type}\t${tsv(r.event)}\t${tsv(r.anonymous_id)}\t${tsv(r.user_id)}\t${tsv(r.distinct_id)}` +
    `\t${tsv(r.group_id)}\t${tsv(r.previous_id)}\t${tsv(r.session_id)}\t${tsText.of(r.ts)}\t${originalText.of(r.original_ts)}\t${sentText.of(r.sent_at)}\t${receivedText.of(r.received_at)}` +
    `\t${tsvJson(r.properties)}\t${tsvJson(r.traits)}\t${tsvJson(r.context)}\t${nullable(r.revenue)}\t${tsv(r.currency)}\t${tsv(r.url)}\t${tsv(r.ip)}` +
    `\t${tsv(r.library)}\t${tsv(r.library_version)}\t${tsvArray(r.warnings)}\t${seq}\n`
  )
}

/**
 * The TabSeparated lines of one message's rows, as bytes: a batch body is these concatenated.
 * Bytes rather than one large string keep batches off the V8 heap while they wait to be inserted.
 * `escapeFreeSource`: the caller knows no text of the rows can hold a backslash, tab or line break
 * (every text comes from a JSON body and headers that hold none: JSON writes those characters in
 * strings only as escapes, which start with a backslash), so the per-field escaping is skipped.
 */
export function eventLines(rows: EventRow[], streamSeq: number, escapeFreeSource = false): Buffer {
  let out = ''
  const seq = String(streamSeq)
  if (escapeFreeSource) for (const r of rows) out += plainEventLine(r, seq)
  else for (const r of rows) out += eventLine(r, seq)
  return Buffer.from(out)
}

/** Inserts encoded event rows (eventLines() of each message, concatenated). */
export async function insertEvents(ch: Pick<ClickHouse, 'insertTabSeparated'>, rows: EncodedRows): Promise<void> {
  await ch.insertTabSeparated(EVENTS_TARGET, rows)
}

export async function insertDeadLetters(client: ClickHouseClient, rows: DeadLetterRow[]): Promise<void> {
  if (rows.length === 0) return
  await client.insert({ table: 'dead_letters', values: rows, format: 'JSONEachRow' })
}
