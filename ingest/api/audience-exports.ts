// Audience members as files: CSV (models/exports/csv-field.ts, `ids` one field holding its JSON
// array), an Arrow IPC stream (person-rows-arrow.ts) and Parquet (hyparquet-writer), each with the columns of the JSON page:
// person_id (text) and ids (a list of texts), none nullable.
import { parquetWriteBuffer } from 'hyparquet-writer'
import { csvField } from '../../models/exports/csv-field.ts'
import type { AudienceMember } from '../../sql/audiences/audience-membership.ts'
import { personRowsArrow } from './person-rows-arrow.ts'

export function membersCsv(rows: readonly AudienceMember[]): string {
  const lines = ['person_id,ids', ...rows.map((r) => [r.person_id, JSON.stringify(r.ids)].map(csvField).join(','))]
  return lines.join('\r\n') + '\r\n'
}

export function membersArrow(rows: readonly AudienceMember[]): Uint8Array {
  return personRowsArrow(rows)
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
