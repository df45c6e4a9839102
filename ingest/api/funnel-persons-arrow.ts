// A page of funnel persons as an Arrow IPC stream (apache-arrow): person_id Utf8, ids List<Utf8>,
// entered_at Timestamp(ms, UTC), the columns and order of the JSON page, none of them nullable.
import { Field, List, RecordBatch, Schema, Struct, Table, TimestampMillisecond, Utf8, makeData, tableToIPC, vectorFromArray } from 'apache-arrow'
import type { FunnelPerson } from '../../sql/analytics/funnel-persons-query.ts'

const SCHEMA = new Schema([
  new Field('person_id', new Utf8(), false),
  new Field('ids', new List(new Field('item', new Utf8(), false)), false),
  new Field('entered_at', new TimestampMillisecond('UTC'), false),
])

export function funnelPersonsArrow(rows: readonly FunnelPerson[]): Uint8Array {
  const columns = [
    vectorFromArray(rows.map((r) => r.person_id), SCHEMA.fields[0].type),
    vectorFromArray(rows.map((r) => r.ids), SCHEMA.fields[1].type),
    vectorFromArray(rows.map((r) => Date.parse(r.entered_at)), SCHEMA.fields[2].type),
  ]
  const data = makeData({ type: new Struct(SCHEMA.fields), length: rows.length, nullCount: 0, children: columns.map((c) => c.data[0]) })
  return tableToIPC(new Table([new RecordBatch(SCHEMA, data)]), 'stream')
}
