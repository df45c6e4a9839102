// Persons as an Arrow IPC stream (apache-arrow), the columns and order of the JSON pages that list
// persons (tag holders, funnel persons, audience members): person_id Utf8, ids List<Utf8>, and
// where the page has one, a time as Timestamp(ms, UTC); none of them nullable.
import { Field, List, RecordBatch, Schema, Struct, Table, TimestampMillisecond, Utf8, makeData, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow'

export interface PersonRow {
  person_id: string
  ids: string[]
}

/** `time`: the name of the time column and each row's time (ISO-8601 text), when the page has one. */
export function personRowsArrow(rows: readonly PersonRow[], time?: { name: string; of: (row: number) => string }): Uint8Array {
  const fields: Field[] = [new Field('person_id', new Utf8(), false), new Field('ids', new List(new Field('item', new Utf8(), false)), false)]
  if (time) fields.push(new Field(time.name, new TimestampMillisecond('UTC'), false))
  const schema = new Schema(fields)
  const columns: Vector[] = [vectorFromArray(rows.map((r) => r.person_id), fields[0].type), vectorFromArray(rows.map((r) => r.ids), fields[1].type)]
  if (time) columns.push(vectorFromArray(rows.map((_, i) => Date.parse(time.of(i))), fields[2].type))
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children: columns.map((c) => c.data[0]) })
  return tableToIPC(new Table([new RecordBatch(schema, data)]), 'stream')
}
