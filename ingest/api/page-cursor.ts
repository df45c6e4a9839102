// Paging through persons in person id order: the cursor is the last person id of a page, base64url
// encoded so it reads as an opaque token; limits are checked so a mistake gets a 400 naming the field.
import { HttpError } from '../http-error.ts'

export const DEFAULT_PAGE_LIMIT = 100
// Pulse makes person ids as p_ and 16 hex digits; the shape is what is checked.
const PERSON_ID = /^p_\w{1,64}$/
export const MAX_PAGE_LIMIT = 1000

export function cursorAfter(personId: string): string {
  return Buffer.from(personId, 'utf8').toString('base64url')
}

/** The person id a cursor continues after ('' without one). */
export function personAfterCursor(cursor: unknown): string {
  if (cursor === undefined || cursor === '') return ''
  const text = String(cursor)
  const personId = Buffer.from(text, 'base64url').toString('utf8')
  // base64url decoding skips what it cannot read: only a cursor that encodes back to itself, to a
  // person id (models/identity/person-id.ts), is one we gave.
  if (!PERSON_ID.test(personId) || cursorAfter(personId) !== text) {
    throw new HttpError(400, 'invalid_cursor', 'cursor must be the next_cursor of a previous page, as given; leave it out to start from the first page')
  }
  return personId
}

export function pageLimit(limit: unknown): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT
  const text = String(limit)
  const n = /^\d{1,7}$/.test(text) ? Number(text) : NaN
  if (!(n >= 1 && n <= MAX_PAGE_LIMIT)) {
    throw new HttpError(400, 'invalid_limit', `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}, got ${JSON.stringify(text)}`)
  }
  return n
}
