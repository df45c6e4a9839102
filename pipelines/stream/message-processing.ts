// The CPU-heavy part of the processor, per message: parse, validate and normalise each event,
// and encode the rows for the insert. Runs in the processing worker.
import type { DeadLetterRow } from '../../models/events/event-row.ts'
import type { EventLimits } from '../../models/events/event-checks.ts'
import { eventsOfRequest } from '../../models/events/request-events.ts'
import { eventLines } from '../../sql/event-writer.ts'
import { decodeMessage, type StoredMessage } from './message-decoding.ts'

export interface MessageResult {
  /** TabSeparated rows, or null when the message stored none. */
  tsv: Uint8Array | null
  rowCount: number
  deadLetters: DeadLetterRow[]
}

export function processMessage(m: StoredMessage, limits: EventLimits): MessageResult {
  const decoded = decodeMessage(m)
  if (decoded.kind === 'dead') return { tsv: null, rowCount: 0, deadLetters: [decoded.letter] }
  const { rows, deadLetters } = eventsOfRequest(decoded.request, limits)
  return { tsv: rows.length ? eventLines(rows, m.seq) : null, rowCount: rows.length, deadLetters }
}
