// A JetStream message -> the request it carries (or a refused request for the dead letters).
// Published by ingest/request-publisher.ts; the headers are that file's contract.
import type { JsMsg } from '@nats-io/jetstream'
import { WHOLE_REQUEST, type DeadLetterRow } from '../models/event-row.ts'
import type { PublishedRequest } from '../models/request-events.ts'
import type { WireFormat } from '../models/request-envelope.ts'
import { HEADER } from '../ingest/request-publisher.ts'
import { REJECTED_SUBJECT } from './jetstream-setup.ts'

export type DecodedMessage = { kind: 'request'; request: PublishedRequest } | { kind: 'dead'; letter: DeadLetterRow }

export function wholeMessageLetter(m: JsMsg, reason: string, detail: string): DeadLetterRow {
  return {
    source: m.headers?.get(HEADER.source) || 'unknown',
    reason,
    detail,
    message_id: '',
    raw: Buffer.from(m.data).toString('utf8'),
    received_at: Number(m.headers?.get(HEADER.receivedAt)) || Date.now(),
    stream_seq: m.seq,
    position: WHOLE_REQUEST,
  }
}

export function decodeMessage(m: JsMsg): DecodedMessage {
  if (m.subject.startsWith(REJECTED_SUBJECT + '.')) {
    return { kind: 'dead', letter: wholeMessageLetter(m, m.headers?.get(HEADER.reason) || 'rejected_request', m.headers?.get(HEADER.detail) || 'the request was refused at ingest') }
  }
  const h = m.headers
  // A view on the message's bytes, not a copy.
  const rawText = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString('utf8')
  let body: unknown
  try {
    body = JSON.parse(rawText)
  } catch {
    return { kind: 'dead', letter: wholeMessageLetter(m, 'malformed_json', 'the stored request is not valid JSON') }
  }
  return {
    kind: 'request',
    request: {
      format: (h?.get(HEADER.format) || 'segment-batch') as WireFormat,
      source: h?.get(HEADER.source) || 'unknown',
      receivedAt: Number(h?.get(HEADER.receivedAt)) || Date.now(),
      ip: h?.get(HEADER.ip) || '',
      sdkInfo: h?.get(HEADER.sdkInfo) || '',
      historical: h?.get(HEADER.historical) === '1',
      body,
      rawText,
      streamSeq: m.seq,
    },
  }
}
