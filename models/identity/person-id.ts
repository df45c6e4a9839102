// Person ids are opaque and stable: `p_` + the first 16 hex digits of SHA-256 of the id that
// created the person, so no raw id (which may be an e-mail) shows in a person id.
import { createHash } from 'node:crypto'

export function personIdFor(id: string): string {
  return 'p_' + createHash('sha256').update(id).digest('hex').slice(0, 16)
}
