// A page of funnel persons as CSV (models/exports/csv-field.ts), with a header; a person's ids are
// one field holding their JSON array.
import { csvField } from '../../models/exports/csv-field.ts'
import type { FunnelPerson } from '../../sql/analytics/funnel-persons-query.ts'

export function funnelPersonsCsv(rows: readonly FunnelPerson[]): string {
  const lines = ['person_id,ids,entered_at', ...rows.map((r) => [r.person_id, JSON.stringify(r.ids), r.entered_at].map(csvField).join(','))]
  return lines.join('\r\n') + '\r\n'
}
