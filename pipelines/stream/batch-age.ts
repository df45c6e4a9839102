// When an open batch is inserted. Normally at --batch-age-ms after its first message. While the
// processor is behind (requests wait in the stream beyond a pull, or a batch sent earlier is not
// yet stored and acked) an insert sent now would only queue, so the batch keeps filling until
// --batch-age-behind-ms or --batch-size: fewer, larger inserts and profile runs cost less per
// event, and a processor that fell behind catches up (group commit).

/** Requests asked for per pull of the stream. */
export const PULL_MESSAGES = 300

export interface BatchBacklog {
  /** Requests left in the stream, undelivered, when the last message was pulled. */
  streamPending: number
  /** Batches sent for insert and not yet stored and acked. */
  batchesInFlight: number
}

export const isBehind = (b: BatchBacklog): boolean => b.streamPending > PULL_MESSAGES || b.batchesInFlight > 0

/**
 * Called when a batch of age `ageMs` reaches a check: 'insert', or the milliseconds until the
 * next check (every batchAgeMs, the last one at batchAgeBehindMs).
 */
export function batchAgeCheck(ageMs: number, behind: boolean, opts: { batchAgeMs: number; batchAgeBehindMs: number }): 'insert' | number {
  if (!behind || ageMs >= opts.batchAgeBehindMs) return 'insert'
  return Math.min(opts.batchAgeMs, opts.batchAgeBehindMs - ageMs)
}
