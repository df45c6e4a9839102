// A page of tag holders as an Arrow IPC stream: person_id, ids, since (person-rows-arrow.ts).
import type { TagHolder } from '../../sql/profiles/tag-holder-reads.ts'
import { personRowsArrow } from './person-rows-arrow.ts'

export function tagHoldersArrow(rows: readonly TagHolder[]): Uint8Array {
  return personRowsArrow(rows, { name: 'since', of: (i) => rows[i].since })
}
