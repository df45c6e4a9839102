// The CPU-heavy part of the processor, per message: parse, validate and normalise each event,
// and encode the rows for the insert, with the rows' feature facts, key ids and id links. Runs in
// the processing worker.
import type { DeadLetterRow, EventRow } from '../../models/events/event-row.ts'
import type { EventLimits } from '../../models/events/event-checks.ts'
import { eventsOfRequest } from '../../models/events/request-events.ts'
import { batchIdentityOf } from '../../models/identity/batch-identity.ts'
import type { IdLink, UserIdSighting } from '../../models/identity/event-ids.ts'
import { factOf, type EventFact } from '../../models/tags/event-facts.ts'
import type { FeatureConfig } from '../../models/tags/feature-config.ts'
import { escapeFree, eventLines } from '../../sql/writers/event-writer.ts'
import { factLines } from '../../sql/writers/feature-facts-writer.ts'
import { decodeMessage, wholeMessageLetter, type StoredMessage } from './message-decoding.ts'

export interface MessageResult {
  /** TabSeparated rows, or null when the message stored none. */
  tsv: Uint8Array | null
  rowCount: number
  deadLetters: DeadLetterRow[]
  /** The rows' feature facts as TabSeparated lines (feature-facts-writer.ts), '' when none. */
  facts: string
  /** The distinct key ids of the rows. */
  keyIds: string[]
  /** The id links the rows ask for, in row order. */
  links: IdLink[]
  /** The linkable user ids of the rows (they mark persons identified). */
  userIds: UserIdSighting[]
}

export interface ProcessingSettings {
  limits: EventLimits
  /** Fault injection (--fault-refuse-rows-matching): rows whose message id starts with it are encoded so the engine refuses them. */
  refuseRowsMatching: string
  /** Fault injection (--fault-fail-processing-matching): processing a request whose body holds this text throws. */
  failProcessingMatching: string
  /** Which events and properties the feature facts read. */
  /** null: no profiles are kept (--no-profiles), so no facts are made. */
  features: FeatureConfig | null
}

const NOTHING = { facts: '', keyIds: [], links: [], userIds: [] }

/** The rows' facts, and their ids and links for the identity graph. */
function personPart(rows: EventRow[], features: FeatureConfig | null, escapeFree: boolean): Pick<MessageResult, 'facts' | 'keyIds' | 'links' | 'userIds'> {
  if (features === null) return NOTHING
  const facts: EventFact[] = []
  for (const r of rows) {
    const fact = factOf(r, features)
    if (fact) facts.push(fact)
  }
  return { facts: factLines(facts, escapeFree), ...batchIdentityOf(rows) }
}


/** One extra column: the engine refuses the line (CANNOT_PARSE_INPUT_ASSERTION_FAILED) whatever its values. */
function withRefusedRows(rows: EventRow[], streamSeq: number, prefix: string): Buffer {
  return Buffer.concat(
    rows.map((r) => {
      const line = eventLines([r], streamSeq)
      return r.message_id.startsWith(prefix) ? Buffer.concat([line.subarray(0, line.length - 1), Buffer.from('\tinjected-fault\n')]) : line
    }),
  )
}

export function processMessage(m: StoredMessage, settings: ProcessingSettings): MessageResult {
  try {
    const trap = settings.failProcessingMatching
    if (trap && Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).includes(trap)) throw new Error(`injected fault: processing refuses requests holding "${trap}"`)
    const decoded = decodeMessage(m)
    if (decoded.kind === 'dead') return { tsv: null, rowCount: 0, deadLetters: [decoded.letter], ...NOTHING }
    const { rows, deadLetters } = eventsOfRequest(decoded.request, settings.limits)
    if (rows.length === 0) return { tsv: null, rowCount: 0, deadLetters, ...NOTHING }
    const prefix = settings.refuseRowsMatching
    // Every text of the rows comes from the body or the headers: when none of them holds a character
    // TabSeparated escapes, no field does (one scan of the request instead of one per field).
    const plain = escapeFree([decoded.request.rawText, ...Object.values(m.headers)])
    const tsv = prefix && rows.some((r) => r.message_id.startsWith(prefix)) ? withRefusedRows(rows, m.seq, prefix) : eventLines(rows, m.seq, plain)
    return { tsv, rowCount: rows.length, deadLetters, ...personPart(rows, settings.features, plain) }
  } catch (err) {
    // A request that breaks processing (a defect in a normaliser, an exhausted stack) fails the same
    // way on every delivery: it is set aside alone instead of failing its batch.
    const reason = String((err as Error)?.message ?? err).split('\n')[0]
    return { tsv: null, rowCount: 0, deadLetters: [wholeMessageLetter(m, 'processing_failed', `processing the request failed (${reason}); its raw body is kept here`)], ...NOTHING }
  }
}
