// Audience members as files: CSV (models/exports/csv-field.ts, `ids` one field holding its JSON array), an Arrow IPC
// stream (apache-arrow) and Parquet (hyparquet-writer), each with the columns of the JSON page:
// person_id (text) and ids (a list of texts), none nullable.
import { Field, List, RecordBatch, Schema, Struct, Table, Utf8, makeData, tableToIPC, vectorFromArray } from 'apache-arrow'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { csvField } from '../../models/exports/csv-field.ts'
import type { AudienceMember } from '../../sql/audiences/audience-membership.ts'


export function membersCsv(rows: readonly AudienceMember[]): string {
  const lines = ['person_id,ids', ...rows.map((r) => [r.person_id, JSON.stringify(r.ids)].map(csvField).join(','))]
  return lines.join('\r\n') + '\r\n'
}

const ARROW_SCHEMA = new Schema([
  new Field('person_id', new Utf8(), false),
  new Field('ids', new List(new Field('item', new Utf8(), false)), false),
])

export function membersArrow(rows: readonly AudienceMember[]): Uint8Array {
  const columns = [
    vectorFromArray(rows.map((r) => r.person_id), ARROW_SCHEMA.fields[0].type),
    vectorFromArray(rows.map((r) => r.ids), ARROW_SCHEMA.fields[1].type),
  ]
  const data = makeData({ type: new Struct(ARROW_SCHEMA.fields), length: rows.length, nullCount: 0, children: columns.map((c) => c.data[0]) })
  return tableToIPC(new Table([new RecordBatch(ARROW_SCHEMA, data)]), 'stream')
}

// The standard three-level LIST layout, so readers other than hyparquet see a list of strings too.
const PARQUET_SCHEMA = [
  { name: 'root', num_children: 2 },
  { name: 'person_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'ids', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
] as const

export function membersParquet(rows: readonly AudienceMember[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'person_id', data: rows.map((r) => r.person_id) },
      { name: 'ids', data: rows.map((r) => r.ids) },
    ],
    schema: PARQUET_SCHEMA.map((e) => ({ ...e })) as Parameters<typeof parquetWriteBuffer>[0]['schema'],
  })
  return new Uint8Array(buffer)
}
