// A page of funnel persons as CSV (RFC 4180: a field with a comma, quote or line break is quoted,
// its quotes doubled), with a header; a person's ids are one field holding their JSON array.
import type { FunnelPerson } from '../../sql/analytics/funnel-persons-query.ts'

const NEEDS_QUOTES = /[",\r\n]/

const field = (text: string) => (NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text)

export function funnelPersonsCsv(rows: readonly FunnelPerson[]): string {
  const lines = ['person_id,ids,entered_at', ...rows.map((r) => [r.person_id, JSON.stringify(r.ids), r.entered_at].map(field).join(','))]
  return lines.join('\r\n') + '\r\n'
}
