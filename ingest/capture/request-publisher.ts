// Publishes one accepted request as ONE JetStream message (not one per event: per-event
// publishing is ~50x slower, bench/RESULTS.md), with a message id derived from its bytes so that an
// identical retried request is stored once (JetStream duplicate window). Resolves only after
// the JetStream ack; failures become the statuses SDKs retry on: 429 when the stream is full
// (it refuses rather than discards), 503 when NATS is unreachable or did not confirm.
import { createHash } from 'node:crypto'
import { JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream'
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core'
import type { RequestEnvelope } from '../../models/events/request-events.ts'
import { HttpError } from '../http-error.ts'
import { HEADER } from '../../models/events/stream-contract.ts'

export interface PublishRequest extends RequestEnvelope {
  bytes: Buffer
}

export interface RequestPublisher {
  publish(req: PublishRequest): Promise<{ duplicate: boolean }>
  /** Best effort: a request that was refused (400) is kept for the dead-letter table. */
  publishRejected(source: string, reason: string, detail: string, receivedAt: number, bytes: Buffer): void
  connected(): boolean
}

const RETRY_AFTER_S = '5'
/** Bytes kept for the headers Pulse adds to a stored request. */
const HEADER_ROOM = 4096

export interface PublisherOptions {
  subjectPrefix: string
  rejectedPrefix: string
  /** True while the processors are too far behind: new requests get 429. */
  overLimit: () => boolean
  timeoutMs?: number
}

export function jetStreamPublisher(nc: NatsConnection, js: JetStreamClient, opts: PublisherOptions): RequestPublisher {
  const { subjectPrefix, rejectedPrefix, overLimit, timeoutMs = 5000 } = opts
  let up = true
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') up = false
      else if (s.type === 'reconnect') up = true
    }
  })()
  return {
    connected: () => up && !nc.isClosed(),
    async publish(req) {
      if (!up || nc.isClosed()) throw new HttpError(503, 'stream_unavailable', 'the event stream is unreachable; retry shortly', { 'Retry-After': RETRY_AFTER_S })
      // A request is one NATS message: above the server's max_payload it could never be stored,
      // so it gets the 413 that makes SDKs split their batch, not a 503 they would retry forever.
      const maxPayload = nc.info?.max_payload
      if (maxPayload && req.bytes.length + HEADER_ROOM > maxPayload) {
        throw new HttpError(413, 'payload_too_large', `the request is ${req.bytes.length} bytes once decoded and the event stream takes at most ${maxPayload - HEADER_ROOM}: send fewer events per request`)
      }
      if (overLimit()) throw new HttpError(429, 'backlog_full', 'the processors are behind; retry later', { 'Retry-After': RETRY_AFTER_S })
      const h = natsHeaders()
      h.set(HEADER.format, req.format)
      h.set(HEADER.source, req.source)
      h.set(HEADER.receivedAt, String(req.receivedAt))
      if (req.ip) h.set(HEADER.ip, req.ip)
      if (req.sdkInfo) h.set(HEADER.sdkInfo, req.sdkInfo)
      if (req.historical) h.set(HEADER.historical, '1')
      if (req.depth !== null) h.set(HEADER.depth, String(req.depth))
      const msgID = createHash('sha1').update(req.source).update('\0').update(req.format).update(req.historical ? '\0h\0' : '\0').update(req.bytes).digest('hex')
      try {
        const ack = await js.publish(`${subjectPrefix}.${req.source}`, req.bytes, { msgID, headers: h, timeout: timeoutMs })
        return { duplicate: ack.duplicate }
      } catch (e) {
        throw publishFailure(e)
      }
    },
    publishRejected(source, reason, detail, receivedAt, bytes) {
      if (!up || nc.isClosed()) return
      const h = natsHeaders()
      h.set(HEADER.source, source)
      h.set(HEADER.reason, reason)
      h.set(HEADER.detail, detail.replace(/[\r\n]+/g, ' ').slice(0, 500))
      h.set(HEADER.receivedAt, String(receivedAt))
      js.publish(`${rejectedPrefix}.${source}`, bytes.subarray(0, 64 * 1024), { headers: h, timeout: timeoutMs }).catch(() => {})
    },
  }
}

/** JSStreamStoreFailedF: the stream did not store the message; its description says why. */
const STORE_FAILED = 10077
/** The stream's DiscardPolicy.New limits: it refuses new messages rather than dropping unprocessed ones. */
const STREAM_LIMIT = /^maximum (bytes|messages|messages per subject) exceeded/

function publishFailure(e: unknown): HttpError {
  const msg = String((e as Error)?.message ?? e)
  if (e instanceof JetStreamApiError && e.code === STORE_FAILED && STREAM_LIMIT.test(msg)) {
    return new HttpError(429, 'stream_full', 'the event stream is full of unprocessed events; retry later', { 'Retry-After': RETRY_AFTER_S })
  }
  return new HttpError(503, 'stream_unavailable', `the event stream did not confirm the write (${msg.slice(0, 120)}); retry shortly`, { 'Retry-After': RETRY_AFTER_S })
}
