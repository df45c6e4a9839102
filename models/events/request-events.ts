// One published request -> stored rows and dead letters. Pure: the caller passes the time it
// was received (stamped at ingest) and the limits.
import { WHOLE_REQUEST, type DeadLetterRow, type EventRow, type EventType } from './event-row.ts'
import type { EventLimits } from './event-checks.ts'
import { MAX_DEPTH } from './json-limits.ts'
import { normalizePostHogEvent } from './posthog-normalize.ts'
import { splitRequest, type WireFormat } from './request-envelope.ts'
import { normalizeSegmentEvent } from './segment-normalize.ts'

/** What ingest records about a request beside its body; travels as JetStream headers. */
export interface RequestEnvelope {
  format: WireFormat
  source: string
  receivedAt: number
  ip: string
  /** `PostHog-Sdk-Info` header of the v1 API, e.g. `posthog-node/5.70.0`. */
  sdkInfo: string
  /** Imports keep historical timestamps as they are (no clock-skew correction). */
  historical: boolean
  /** The deepest nesting of objects/arrays in the body, measured at ingest; null when not recorded. */
  depth: number | null
}

export interface PublishedRequest extends RequestEnvelope {
  body: unknown
  /** The request body as received (after gunzip), kept whole in dead letters. */
  rawText: string
  streamSeq: number
}

export interface RequestResult {
  rows: EventRow[]
  deadLetters: DeadLetterRow[]
}

export function eventsOfRequest(req: PublishedRequest, limits: EventLimits): RequestResult {
  const rows: EventRow[] = []
  const deadLetters: DeadLetterRow[] = []
  const dead = (reason: string, detail: string, messageId: string, raw: string, position: number) =>
    deadLetters.push({ source: req.source, reason, detail, message_id: messageId, raw, received_at: req.receivedAt, stream_seq: req.streamSeq, position })

  const split = splitRequest(req.format, req.body)
  if (!split.ok) {
    dead(split.code, split.message, '', req.rawText, WHOLE_REQUEST)
    return { rows, deadLetters }
  }
  // A request no deeper than an event may be holds no event too deep: one check instead of three per event.
  const eventLimits: EventLimits = req.depth !== null && req.depth <= MAX_DEPTH ? { ...limits, withinDepth: true } : limits
  const meta = { source: req.source, receivedAt: req.receivedAt, sentAt: split.sentAt, ip: req.ip, skipClockSkew: req.historical, sdkInfo: req.sdkInfo }
  const implied = req.format.startsWith('segment-') && req.format !== 'segment-batch' ? (req.format.slice(8) as EventType) : null
  // One row per (source, message id), the first copy received winning: within a request that is
  // the first one in it (the table cannot tell copies of one insert apart).
  const seen = new Set<string>()
  for (let i = 0; i < split.events.length; i++) {
    const raw = split.events[i]
    const out = req.format.startsWith('posthog') ? normalizePostHogEvent(raw, meta, eventLimits, i) : normalizeSegmentEvent(raw, implied, meta, eventLimits, i)
    if (out.ok) {
      if (seen.has(out.row.message_id)) continue
      seen.add(out.row.message_id)
      rows.push(out.row)
    }
    else dead(out.reason, out.detail, out.messageId, eventText(raw, req.rawText), i)
  }
  return { rows, deadLetters }
}

/** The event as its dead letter keeps it; the whole request when the event cannot be serialised. */
function eventText(v: unknown, requestText: string): string {
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return requestText
  }
}
