// A page of tag holders as CSV (models/exports/csv-field.ts), with a header; a person's ids are one
// field holding their JSON array.
import { csvField } from '../../models/exports/csv-field.ts'
import type { TagHolder } from '../../sql/profiles/tag-holder-reads.ts'


export function tagHoldersCsv(rows: readonly TagHolder[]): string {
  const lines = ['person_id,ids,since', ...rows.map((r) => [r.person_id, JSON.stringify(r.ids), r.since].map(csvField).join(','))]
  return lines.join('\r\n') + '\r\n'
}
