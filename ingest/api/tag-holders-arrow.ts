// A page of tag holders as an Arrow IPC stream (apache-arrow): person_id Utf8, ids List<Utf8>,
// since Timestamp(ms, UTC), the columns and order of the JSON page, none of them nullable.
import { Field, List, RecordBatch, Schema, Struct, Table, TimestampMillisecond, Utf8, makeData, tableToIPC, vectorFromArray } from 'apache-arrow'
import type { TagHolder } from '../../sql/profiles/tag-holder-reads.ts'

const SCHEMA = new Schema([
  new Field('person_id', new Utf8(), false),
  new Field('ids', new List(new Field('item', new Utf8(), false)), false),
  new Field('since', new TimestampMillisecond('UTC'), false),
])

export function tagHoldersArrow(rows: readonly TagHolder[]): Uint8Array {
  const columns = [
    vectorFromArray(rows.map((r) => r.person_id), SCHEMA.fields[0].type),
    vectorFromArray(rows.map((r) => r.ids), SCHEMA.fields[1].type),
    vectorFromArray(rows.map((r) => Date.parse(r.since)), SCHEMA.fields[2].type),
  ]
  const data = makeData({ type: new Struct(SCHEMA.fields), length: rows.length, nullCount: 0, children: columns.map((c) => c.data[0]) })
  return tableToIPC(new Table([new RecordBatch(SCHEMA, data)]), 'stream')
}
