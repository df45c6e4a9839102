// The tracking paths of Segment, RudderStack (same paths) and PostHog (v0 and v1) with their wire
// formats: the routes registered for capture, and the only paths that answer browsers' CORS.
import type { EventType } from '../../models/events/event-row.ts'
import type { WireFormat } from '../../models/events/request-envelope.ts'

const SEGMENT_SINGLE: EventType[] = ['track', 'identify', 'page', 'screen', 'group', 'alias']
const POSTHOG_V0 = ['/batch', '/e', '/i/v0/e', '/capture', '/track', '/engage']

export const CAPTURE_ROUTES: ReadonlyArray<readonly [string, WireFormat]> = [
  ['/v1/batch', 'segment-batch'],
  ['/v1/import', 'segment-batch'],
  ...SEGMENT_SINGLE.map((t) => [`/v1/${t}`, `segment-${t}` as WireFormat] as const),
  ...POSTHOG_V0.flatMap((p) => [[p, 'posthog-v0'] as const, [`${p}/`, 'posthog-v0'] as const]),
  ['/i/v1/analytics/events', 'posthog-v1'],
]

export const CAPTURE_PATHS: ReadonlySet<string> = new Set(CAPTURE_ROUTES.map(([p]) => p))
