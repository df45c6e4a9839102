// A page of tag holders as CSV (RFC 4180: a field with a comma, quote or line break is quoted, its
// quotes doubled), with a header; a person's ids are one field holding their JSON array.
import type { TagHolder } from '../../sql/profiles/tag-holder-reads.ts'

const NEEDS_QUOTES = /[",\r\n]/

const field = (text: string) => (NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text)

export function tagHoldersCsv(rows: readonly TagHolder[]): string {
  const lines = ['person_id,ids,since', ...rows.map((r) => [r.person_id, JSON.stringify(r.ids), r.since].map(field).join(','))]
  return lines.join('\r\n') + '\r\n'
}
