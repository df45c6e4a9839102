// A stored JetStream message -> the request it carries (or a refused request for the dead
// letters). Published by ingest/capture/request-publisher.ts; the headers are models/events/stream-contract.ts.
// Works on a plain copy of the message so that it can run in the processing worker.
import type { JsMsg } from '@nats-io/jetstream'
import { WHOLE_REQUEST, type DeadLetterRow } from '../../models/events/event-row.ts'
import type { PublishedRequest } from '../../models/events/request-events.ts'
import type { WireFormat } from '../../models/events/request-envelope.ts'
import { HEADER, REJECTED_SUBJECT } from '../../models/events/stream-contract.ts'

export interface StoredMessage {
  subject: string
  seq: number
  headers: Record<string, string>
  data: Uint8Array
}

export type DecodedMessage = { kind: 'request'; request: PublishedRequest } | { kind: 'dead'; letter: DeadLetterRow }

const WANTED = Object.values(HEADER)

/** A structured-cloneable copy of what the processor needs from a JetStream message. */
export function storedMessage(m: JsMsg): StoredMessage {
  const headers: Record<string, string> = {}
  for (const name of WANTED) {
    const v = m.headers?.get(name)
    if (v) headers[name] = v
  }
  // A copy: the client's buffer is larger than the message, and a worker would get all of it.
  return { subject: m.subject, seq: m.seq, headers, data: new Uint8Array(m.data) }
}

function text(data: Uint8Array): string {
  // A view on the message's bytes, not a copy.
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')
}

export function wholeMessageLetter(m: StoredMessage, reason: string, detail: string): DeadLetterRow {
  return {
    source: m.headers[HEADER.source] || 'unknown',
    reason,
    detail,
    message_id: '',
    raw: text(m.data),
    received_at: Number(m.headers[HEADER.receivedAt]) || Date.now(),
    stream_seq: m.seq,
    position: WHOLE_REQUEST,
  }
}

export function decodeMessage(m: StoredMessage): DecodedMessage {
  const h = m.headers
  if (m.subject.startsWith(REJECTED_SUBJECT + '.')) {
    return { kind: 'dead', letter: wholeMessageLetter(m, h[HEADER.reason] || 'rejected_request', h[HEADER.detail] || 'the request was refused at ingest') }
  }
  const rawText = text(m.data)
  let body: unknown
  try {
    body = JSON.parse(rawText)
  } catch {
    return { kind: 'dead', letter: wholeMessageLetter(m, 'malformed_json', 'the stored request is not valid JSON') }
  }
  return {
    kind: 'request',
    request: {
      format: (h[HEADER.format] || 'segment-batch') as WireFormat,
      source: h[HEADER.source] || 'unknown',
      receivedAt: Number(h[HEADER.receivedAt]) || Date.now(),
      ip: h[HEADER.ip] || '',
      sdkInfo: h[HEADER.sdkInfo] || '',
      historical: h[HEADER.historical] === '1',
      depth: h[HEADER.depth] ? Number(h[HEADER.depth]) : null,
      body,
      rawText,
      streamSeq: m.seq,
    },
  }
}
