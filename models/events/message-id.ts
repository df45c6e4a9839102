// Message ids: kept as the client sent them; derived from the event's content when missing, so a
// retried copy of the same event gets the same id and is stored once (Segment generates one per
// call server-side, which makes id-less retries count twice; we avoid that).
import { createHash } from 'node:crypto'

export const MAX_MESSAGE_ID_LENGTH = 200
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(s: string): boolean {
  return UUID_RE.test(s)
}

/** Deterministic id for an event that came without one: `h-` + SHA-1 of its canonical parts. */
export function derivedMessageId(parts: unknown[]): string {
  return 'h-' + createHash('sha1').update(JSON.stringify(parts)).digest('hex')
}
