// Finding the rows the engine refuses in a batch: the batch is sent again in halves (over its
// messages, then over the rows of one message) until each refused row stands alone; that row is
// dead-lettered with the engine's error and its raw event, every other row is stored.
import { WHOLE_REQUEST, type DeadLetterRow } from '../../models/events/event-row.ts'
import { splitRequest } from '../../models/events/request-envelope.ts'
import type { PublishedRequest } from '../../models/events/request-events.ts'
import { engineErrorText } from './engine-errors.ts'
import { decodeMessage, type StoredMessage } from './message-decoding.ts'
import type { RowRange } from './processing-worker.ts'

export const REFUSED_BY_ENGINE = 'refused_by_engine'

export function rowsIn(piece: RowRange[]): number {
  let n = 0
  for (const r of piece) n += r.to - r.from
  return n
}

/** The two halves of a piece of more than one row: its messages, or the rows of its one message. */
export function halves(piece: RowRange[]): [RowRange[], RowRange[]] {
  if (piece.length > 1) {
    const mid = piece.length >> 1
    return [piece.slice(0, mid), piece.slice(mid)]
  }
  const { index, from, to } = piece[0]
  const mid = from + ((to - from) >> 1)
  return [[{ index, from, to: mid }], [{ index, from: mid, to }]]
}

const UNESCAPE: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' }

/** Field `column` of a TabSeparated line, unescaped. */
function field(line: string, column: number): string {
  return (line.split('\t')[column] ?? '').replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c)
}

/**
 * Index in the request of its `row`-th stored row: every event became a row or a dead letter,
 * in request order, so the rows are the positions without a dead letter (-1 if there is none).
 */
function positionOfRow(row: number, letters: DeadLetterRow[], eventCount: number): number {
  const dead = new Set(letters.map((d) => d.position))
  for (let i = 0, seen = -1; i < eventCount; i++) {
    if (!dead.has(i) && ++seen === row) return i
  }
  return -1
}

/** The request's events, when it still parses as one. */
function eventsOf(request: PublishedRequest | undefined): unknown[] {
  if (!request) return []
  const split = splitRequest(request.format, request.body)
  return split.ok ? split.events : []
}

function stringified(event: unknown): string | undefined {
  try {
    return JSON.stringify(event)
  } catch {
    return undefined
  }
}

/** The dead letter of one row the engine refused; `line` is its encoded text, `letters` its message's other dead letters. */
export function refusedRowLetter(m: StoredMessage, letters: DeadLetterRow[], row: number, line: string, err: unknown): DeadLetterRow {
  const decoded = decodeMessage(m)
  const request = decoded.kind === 'request' ? decoded.request : undefined
  const events = eventsOf(request)
  const position = positionOfRow(row, letters, events.length)
  const raw = position < 0 ? undefined : stringified(events[position])
  return {
    source: field(line, 0),
    reason: REFUSED_BY_ENGINE,
    detail: `ClickHouse refused this event (${engineErrorText(err)}); the rest of its batch was stored. Fix the cause, then \`pulse dead-letters replay --reason ${REFUSED_BY_ENGINE}\``,
    message_id: field(line, 1),
    raw: raw ?? line,
    received_at: request?.receivedAt ?? Date.now(),
    stream_seq: m.seq,
    position: raw === undefined ? WHOLE_REQUEST : position,
  }
}
