// Person ids are opaque and stable: `p_` + the first 16 hex digits of SHA-256 of the id that
// created the person, so no raw id (which may be an e-mail) shows in a person id.
import { hash } from 'node:crypto'

export function personIdFor(id: string): string {
  // The one-shot hash: a batch creates thousands of persons, and it skips a Hash object per id.
  return 'p_' + hash('sha256', id, 'hex').slice(0, 16)
}
