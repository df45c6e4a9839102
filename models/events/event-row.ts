// The shapes every layer agrees on: one stored event row and one dead letter.
// Column names match sql/migrations (snake_case) so rows go to ClickHouse as they are.

export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** Fixed names for the calls that carry no event name, aligned with PostHog's so both SDK families query alike. */
export const FIXED_EVENT_NAMES: Record<Exclude<EventType, 'track'>, string> = {
  page: '$pageview',
  screen: '$screen',
  identify: '$identify',
  group: '$groupidentify',
  alias: '$create_alias',
}

export interface EventRow {
  source: string
  message_id: string
  type: EventType
  event: string
  anonymous_id: string
  user_id: string
  distinct_id: string
  group_id: string
  previous_id: string
  session_id: string
  /** Analysis time: clock-skew corrected, ms since epoch. */
  ts: number
  original_ts: number | null
  sent_at: number | null
  received_at: number
  /** JSON texts as JSON.stringify writes them (no raw tab or line break: the writer relies on it). */
  properties: string
  traits: string
  context: string
  revenue: number | null
  currency: string
  url: string
  ip: string
  library: string
  library_version: string
  warnings: string[]
}

export interface DeadLetterRow {
  source: string
  /** Machine-readable reason code, e.g. `missing_event_name`. */
  reason: string
  /** What a person reads: what was wrong and how to fix it. */
  detail: string
  message_id: string
  raw: string
  received_at: number
  stream_seq: number
  /** Index of the event in its request; WHOLE_REQUEST when the whole request is dead-lettered. */
  position: number
}

export const WHOLE_REQUEST = 4294967295

/** Expected per-event outcome (expected outcomes are values, not exceptions): a row, or a reason to dead-letter. */
export type EventOutcome = { ok: true; row: EventRow } | { ok: false; reason: string; detail: string; messageId: string }

export function rejected(reason: string, detail: string, messageId = ''): EventOutcome {
  return { ok: false, reason, detail, messageId }
}
