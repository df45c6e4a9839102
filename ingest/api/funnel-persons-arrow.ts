// A page of funnel persons as an Arrow IPC stream: person_id, ids, entered_at (person-rows-arrow.ts).
import type { FunnelPerson } from '../../sql/analytics/funnel-persons-query.ts'
import { personRowsArrow } from './person-rows-arrow.ts'

export function funnelPersonsArrow(rows: readonly FunnelPerson[]): Uint8Array {
  return personRowsArrow(rows, { name: 'entered_at', of: (i) => rows[i].entered_at })
}
