// The tracking routes of Segment, RudderStack (same paths) and PostHog (v0 and v1), all on one
// handler: decode -> split into events (400 if there are none) -> authenticate -> publish -> answer.
import { isIP } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { normalizePostHogEvent } from '../../models/events/posthog-normalize.ts'
import { scanJson, type JsonScan } from '../../models/events/json-scan.ts'
import { segmentBatchSummary, splitRequest, type EnvelopeSummary, type WireFormat } from '../../models/events/request-envelope.ts'
import { isPlainObject, jsonBytesDepth, MAX_REQUEST_DEPTH } from '../../models/events/json-limits.ts'
import { decodeBody, malformedJson, parseBody } from './body-decoding.ts'
import { HttpError } from '../http-error.ts'
import type { IngestMetrics } from './ingest-metrics.ts'
import type { PublishRequest, RequestPublisher } from './request-publisher.ts'
import { keyFromHeader, type WriteKeys } from './write-keys.ts'
import { CAPTURE_ROUTES } from './capture-paths.ts'

export interface CaptureDeps {
  keys: WriteKeys
  publisher: RequestPublisher
  metrics: IngestMetrics
  maxBodyBytes: number
  maxEventBytes: number
  now: () => number
}


/**
 * The client's address: req.ip follows X-Forwarded-For only from a trusted proxy, and even then
 * stores nothing that is not an address (a proxy passes on whatever its client wrote).
 */
export function clientIp(req: Pick<FastifyRequest, 'ip' | 'socket'>): string {
  return isIP(req.ip) ? req.ip : req.socket.remoteAddress ?? ''
}

/** PostHog v1 answers per uuid; an event that will be dead-lettered is reported as dropped. */
function v1Results(events: unknown[], deps: CaptureDeps, receivedAt: number): Record<string, { result: string; details?: string }> {
  const results: Record<string, { result: string; details?: string }> = {}
  const meta = { source: '', receivedAt, sentAt: null, ip: '', skipClockSkew: false, sdkInfo: '' }
  for (let i = 0; i < events.length; i++) {
    const e = events[i]
    if (!isPlainObject(e) || typeof e.uuid !== 'string') continue
    const out = normalizePostHogEvent(e, meta, { maxEventBytes: deps.maxEventBytes }, i)
    results[e.uuid] = out.ok ? { result: 'ok' } : { result: 'drop', details: out.detail }
  }
  return results
}

interface CheckedRequest {
  publish: PublishRequest
  eventCount: number
  /** The body of the 200 answer. */
  answer: unknown
}

/** The answer to a body the scan refused: 413 when it is too large, else 400 with the scan's reason. */
function scanRefusal(scan: Extract<JsonScan, { ok: false }>): HttpError {
  if (scan.problem === 'malformed_json') return malformedJson(scan.message)
  if (scan.problem === 'too_large') return new HttpError(413, 'body_too_large', scan.message)
  return new HttpError(400, scan.problem, scan.message)
}

/** The envelope of a request: from a scan for Segment batches, else from the parsed body. */
function envelopeOf(format: WireFormat, bytes: Buffer, deps: CaptureDeps, receivedAt: number): { summary: EnvelopeSummary; answer: unknown } {
  if (format === 'segment-batch') {
    const scan = scanJson(bytes, { maxDepth: MAX_REQUEST_DEPTH, maxBytes: deps.maxBodyBytes })
    if (!scan.ok) throw scanRefusal(scan)
    const summary = segmentBatchSummary(bytes, scan)
    if (!summary.ok) throw new HttpError(400, summary.code, summary.message)
    return { summary, answer: { success: true } }
  }
  const json = parseBody(bytes)
  const depth = jsonBytesDepth(bytes)
  if (depth > MAX_REQUEST_DEPTH) throw new HttpError(400, 'too_deeply_nested', `objects/arrays nest more than ${MAX_REQUEST_DEPTH} levels deep: flatten the events`)
  const split = splitRequest(format, json)
  if (!split.ok) throw new HttpError(400, split.code, split.message)
  const historical = isPlainObject(json) && json.historical_migration === true
  const answer = format === 'posthog-v1' ? { results: v1Results(split.events, deps, receivedAt) } : format.startsWith('posthog') ? { status: 1 } : { success: true }
  return { summary: { ok: true, eventCount: split.events.length, bodyKey: split.bodyKey, historical, depth }, answer }
}

/**
 * Decodes and checks a request (throws HttpError when it can never succeed). Whatever was parsed
 * stays inside this function: kept across the publish wait, its objects would outlive a young-
 * generation collection and be promoted, and full collections would then run several times a second.
 */
async function checkRequest(format: WireFormat, req: FastifyRequest, deps: CaptureDeps, headerKey: string, receivedAt: number): Promise<CheckedRequest> {
  const query = req.query as Record<string, string | undefined>
  const bytes = await decodeBody(req.body as Buffer | undefined, req.headers['content-encoding'], query.compression, deps.maxBodyBytes)
  let envelope: ReturnType<typeof envelopeOf>
  try {
    envelope = envelopeOf(format, bytes, deps, receivedAt)
  } catch (e) {
    // The dead letter of a refused request keeps its decoded text.
    throw e instanceof HttpError ? new HttpError(e.status, e.code, e.message, e.headers, bytes) : e
  }
  const { summary, answer } = envelope
  const source = deps.keys.sourceOf(headerKey, summary.bodyKey)
  if (format.startsWith('segment-') && format !== 'segment-batch' && bytes.length > deps.maxEventBytes) {
    throw new HttpError(413, 'event_too_large', `the event is ${bytes.length} bytes, over the ${deps.maxEventBytes}-byte limit per event`)
  }
  const sdkInfo = String(req.headers['posthog-sdk-info'] ?? '')
  return { publish: { format, source, receivedAt, ip: clientIp(req), sdkInfo, historical: summary.historical, depth: summary.depth, bytes }, eventCount: summary.eventCount, answer }
}

function handler(format: WireFormat, deps: CaptureDeps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const receivedAt = deps.now()
    const headerKey = keyFromHeader(req.headers.authorization)
    try {
      // A key in a header is checked before the body is inflated or parsed: a stranger's request
      // costs no decompression. A key in the body can only be checked after.
      if (headerKey) deps.keys.sourceOf(headerKey, '')
      const checked = await checkRequest(format, req, deps, headerKey, receivedAt)
      const started = performance.now()
      await deps.publisher.publish(checked.publish)
      deps.metrics.publishSeconds.observe((performance.now() - started) / 1000)
      deps.metrics.acceptedEvents.inc({ source: checked.publish.source, format }, checked.eventCount)
      return reply.send(checked.answer)
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      deps.metrics.rejectedRequests.inc({ reason: e.code })
      if (e.status === 400) {
        const source = deps.keys.trySource(headerKey)
        if (source) deps.publisher.publishRejected(source, e.code, e.message, receivedAt, e.decodedBody ?? (req.body as Buffer | undefined) ?? Buffer.alloc(0))
      }
      return reply.code(e.status).headers(e.headers).send(e.body())
    }
  }
}

export function registerCaptureRoutes(app: FastifyInstance, deps: CaptureDeps): void {
  // req.ip is the socket address unless the peer is a trusted proxy (--trust-proxy), then the
  // client it forwarded for.
  for (const [url, format] of CAPTURE_ROUTES) app.post(url, handler(format, deps))
}
