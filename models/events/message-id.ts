// Message ids: kept as the client sent them; derived from the event when missing, so a retried
// copy of the same request gets the same ids and is stored once (Segment generates one per call
// server-side, which makes id-less retries count twice; we avoid that).
import { createHash } from 'node:crypto'

export const MAX_MESSAGE_ID_LENGTH = 200
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(s: string): boolean {
  return UUID_RE.test(s)
}

/** What distinguishes an id-less event: where it came from, its place in its request, its content. */
export interface EventIdentity {
  source: string
  /** The Segment call type (a single-event route implies it rather than the body). */
  type: string
  /** Index of the event in its request: identical events of one request are distinct events. */
  position: number
  /**
   * The event as sent, every field included (properties and traits, PostHog's offset, ...), less
   * those a retry changes: Segment SDKs re-stamp `sentAt` on every attempt.
   */
  event: Record<string, unknown>
}

/**
 * Deterministic id for an event that came without one: `h-` + SHA-1 of its identity; null when
 * the event nests too deeply to be serialised.
 */
export function derivedMessageId(identity: EventIdentity): string | null {
  let content: string
  try {
    content = JSON.stringify([identity.source, identity.type, identity.position, identity.event])
  } catch (e) {
    if (e instanceof RangeError) return null
    throw e
  }
  return 'h-' + createHash('sha1').update(content).digest('hex')
}
