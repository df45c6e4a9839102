// What a dead letter re-submits: the events its raw JSON holds, and the route that takes them.
// An event keeps its message id, so one already stored is not stored twice (events are keyed on
// (source, message_id)); a Segment event without a time keeps the time it was first received.
import { WHOLE_REQUEST } from '../../models/events/event-row.ts'

export type ReplayRoute = 'segment' | 'posthog'

export interface DeadLetter {
  source: string
  reason: string
  message_id: string
  raw: string
  received_ms: number
  stream_seq: number
  position: number
  stored: number | boolean
}

export type ReplayPlan = { ok: true; route: ReplayRoute; events: Record<string, unknown>[] } | { ok: false; why: string }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function routeOf(event: Record<string, unknown>): ReplayRoute | undefined {
  if (typeof event.type === 'string') return 'segment'
  if (typeof event.event === 'string') return 'posthog'
  return undefined
}

function withTime(event: Record<string, unknown>, route: ReplayRoute, receivedMs: number): Record<string, unknown> {
  if (route !== 'segment' || event.timestamp !== undefined || event.originalTimestamp !== undefined) return event
  return { ...event, timestamp: new Date(receivedMs).toISOString() }
}

export function replayPlan(d: DeadLetter): ReplayPlan {
  let body: unknown
  try {
    body = JSON.parse(d.raw)
  } catch {
    return { ok: false, why: 'its raw text is not JSON' }
  }
  const events = d.position === WHOLE_REQUEST && isObject(body) && Array.isArray(body.batch) ? body.batch : [body]
  if (events.length === 0 || !events.every(isObject)) return { ok: false, why: 'it holds no event objects' }
  const route = routeOf(events[0] as Record<string, unknown>)
  if (!route || !events.every((e) => routeOf(e as Record<string, unknown>) === route)) return { ok: false, why: 'its events are neither Segment (type) nor PostHog (event) events' }
  return { ok: true, route, events: events.map((e) => withTime(e as Record<string, unknown>, route, d.received_ms)) }
}
