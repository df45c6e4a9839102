// Splits one accepted request body into its events, per wire format. Used twice on purpose: by
// ingest to reject requests that can never succeed (400) before anything is published, and by
// the stream processor to turn the published request back into events.
import { parseTime } from './event-time.ts'
import type { EventType } from './event-row.ts'
import { isPlainObject } from './json-limits.ts'
import { typeName } from './field-coercion.ts'
import type { JsonScan } from './json-scan.ts'

export type WireFormat = 'segment-batch' | `segment-${EventType}` | 'posthog-v0' | 'posthog-v1'

export interface RequestEvents {
  ok: true
  events: unknown[]
  /** Envelope sentAt in ms, null when absent. */
  sentAt: number | null
  /** A write key carried in the body (Segment `writeKey`, PostHog `api_key`/`token`). */
  bodyKey: string
}

export interface RequestProblem {
  ok: false
  code: string
  message: string
}

function problem(code: string, message: string): RequestProblem {
  return { ok: false, code, message }
}

function stringOrEmpty(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

/** Segment's batch-level `context` and `integrations` apply to every item (HTTP Tracking API, batch). */
function mergeBatchDefaults(item: unknown, context: unknown, integrations: unknown): unknown {
  if (!isPlainObject(item) || (!isPlainObject(context) && !isPlainObject(integrations))) return item
  const merged: Record<string, unknown> = { ...item }
  if (isPlainObject(context)) merged.context = { ...context, ...(isPlainObject(item.context) ? item.context : {}) }
  if (isPlainObject(integrations)) merged.integrations = { ...integrations, ...(isPlainObject(item.integrations) ? item.integrations : {}) }
  return merged
}

function segmentEvents(format: WireFormat, body: unknown): RequestEvents | RequestProblem {
  if (!isPlainObject(body)) return problem('invalid_body', `the body must be a JSON object, got ${typeName(body)}`)
  const sentAt = parseTime(body.sentAt)
  if (format !== 'segment-batch') {
    return { ok: true, events: [body], sentAt: Number.isNaN(sentAt) ? null : sentAt, bodyKey: stringOrEmpty(body.writeKey) }
  }
  if (!Array.isArray(body.batch)) return problem('no_events', 'the body needs a "batch" array of events')
  if (body.batch.length === 0) return problem('no_events', 'the "batch" array is empty')
  const events = body.context || body.integrations ? body.batch.map((e) => mergeBatchDefaults(e, body.context, body.integrations)) : body.batch
  return { ok: true, events, sentAt: Number.isNaN(sentAt) ? null : sentAt, bodyKey: stringOrEmpty(body.writeKey) }
}

/** PostHog token lookup order: api_key, token, $token, then the first event's properties.token. */
function postHogKey(body: Record<string, unknown>, events: unknown[]): string {
  const top = stringOrEmpty(body.api_key) || stringOrEmpty(body.token) || stringOrEmpty(body.$token)
  if (top) return top
  const first = events[0]
  if (isPlainObject(first)) {
    const own = stringOrEmpty(first.api_key) || stringOrEmpty(first.token) || stringOrEmpty(first.$token)
    if (own) return own
    if (isPlainObject(first.properties)) return stringOrEmpty(first.properties.token)
  }
  return ''
}

function postHogEvents(format: WireFormat, body: unknown): RequestEvents | RequestProblem {
  // v0 accepts a single event, an array of events (posthog-js) or an envelope with "batch".
  let events: unknown[]
  let envelope: Record<string, unknown> = {}
  if (Array.isArray(body)) events = body
  else if (isPlainObject(body)) {
    envelope = body
    if (Array.isArray(body.batch)) events = body.batch
    else if (format === 'posthog-v0' && (body.event !== undefined || body.distinct_id !== undefined)) events = [body]
    else return problem('no_events', 'the body needs a "batch" array of events')
  } else return problem('invalid_body', `the body must be a JSON object or array, got ${typeName(body)}`)
  if (events.length === 0) return problem('no_events', 'the request holds no events')
  const sentRaw = format === 'posthog-v1' ? envelope.created_at : envelope.sent_at
  const sentAt = parseTime(sentRaw)
  return { ok: true, events, sentAt: Number.isNaN(sentAt) ? null : sentAt, bodyKey: postHogKey(envelope, events) }
}

export function splitRequest(format: WireFormat, body: unknown): RequestEvents | RequestProblem {
  return format.startsWith('segment-') ? segmentEvents(format, body) : postHogEvents(format, body)
}

export interface EnvelopeSummary {
  ok: true
  eventCount: number
  bodyKey: string
  /** `historical_migration: true`: an import, whose timestamps are kept as they are. */
  historical: boolean
  /** The deepest nesting of objects/arrays in the whole body. */
  depth: number
}

const utf8 = new TextDecoder()

/**
 * What ingest needs of a Segment batch, read from a validating scan of its bytes so that the
 * events are not materialised at ingest as well as in the processor. Same answers as
 * segmentEvents() on the parsed body (a test holds them together).
 */
export function segmentBatchSummary(bytes: Uint8Array, scan: Extract<JsonScan, { ok: true }>): EnvelopeSummary | RequestProblem {
  if (scan.kind !== 'object') return problem('invalid_body', `the body must be a JSON object, got ${scan.kind}`)
  const batch = scan.members.get('batch')
  if (!batch || batch.kind !== 'array') return problem('no_events', 'the body needs a "batch" array of events')
  if (batch.elements === 0) return problem('no_events', 'the "batch" array is empty')
  const key = scan.members.get('writeKey')
  const bodyKey = key?.kind === 'string' ? (JSON.parse(utf8.decode(bytes.subarray(key.start, key.end))) as string) : ''
  const historical = scan.members.get('historical_migration')
  return { ok: true, eventCount: batch.elements, bodyKey, historical: historical?.kind === 'boolean' && bytes[historical.start] === 0x74, depth: scan.depth }
}
