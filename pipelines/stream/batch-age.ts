// When an open batch is inserted (group commit). Normally at --batch-age-ms after its first
// message. While an insert sent earlier is still running, one sent now would only queue behind it
// (inserts go one at a time), so the batch keeps filling until that insert is done or the batch
// reaches --batch-size: each insert then carries what arrived during the one before, and an
// event waits for at most about two inserts however slow they are. While requests wait in the
// stream beyond one pull (a backlog, the worker being the bottleneck) the batch keeps filling up
// to --batch-age-behind-ms: fewer, larger inserts and profile runs cost less per event.

/** Requests asked for per pull of the stream. */
export const PULL_MESSAGES = 300

export interface BatchBacklog {
  /** Requests left in the stream, undelivered, when the last message was pulled. */
  streamPending: number
  /** Batches sent for insert whose insert (and hand-over to the profile stage) is not done. */
  insertsInFlight: number
}

/**
 * Called when a batch of age `ageMs` reaches a check: 'insert', or the milliseconds until the
 * next check (the processor also checks as soon as an insert is done).
 */
export function batchAgeCheck(ageMs: number, backlog: BatchBacklog, opts: { batchAgeMs: number; batchAgeBehindMs: number }): 'insert' | number {
  if (backlog.insertsInFlight > 0) return opts.batchAgeMs
  if (backlog.streamPending > PULL_MESSAGES && ageMs < opts.batchAgeBehindMs) return Math.min(opts.batchAgeMs, opts.batchAgeBehindMs - ageMs)
  return 'insert'
}
