// Segment / RudderStack event -> EventRow. Field meanings: Segment Spec (common fields, track,
// identify, page, screen, group, alias); RudderStack sends the same shape plus originalTimestamp
// and a per-event sentAt.
import { correctClockSkew } from './clock-skew.ts'
import { checkAmount, checkTimes, eventJsonTexts, type EventLimits } from './event-checks.ts'
import { EVENT_TYPES, FIXED_EVENT_NAMES, rejected, type EventOutcome, type EventType } from './event-row.ts'
import { parseTime } from './event-time.ts'
import { isPlainObject } from './json-limits.ts'
import { quoted, readId, readNumber, readString, truncate, MAX_CURRENCY_LENGTH, typeName, wellFormed } from './field-coercion.ts'
import { derivedMessageId, MAX_MESSAGE_ID_LENGTH } from './message-id.ts'

export interface RequestMeta {
  source: string
  receivedAt: number
  /** Envelope-level sentAt (Segment `sentAt`, PostHog `sent_at`/`created_at`), ms. */
  sentAt: number | null
  ip: string
  /** Imports keep historical timestamps as they are. */
  skipClockSkew: boolean
}

/** `position` is the event's index in its request (part of a derived id). */
export function normalizeSegmentEvent(raw: unknown, impliedType: EventType | null, meta: RequestMeta, limits: EventLimits, position: number): EventOutcome {
  if (!isPlainObject(raw)) return rejected('not_an_object', `each event must be a JSON object, got ${typeName(raw)}`)
  const givenId = raw.messageId
  if (givenId !== undefined && givenId !== null && typeof givenId !== 'string') {
    return rejected('invalid_message_id', `messageId must be a string, got ${typeName(givenId)}`)
  }
  if (typeof givenId === 'string' && givenId.length > MAX_MESSAGE_ID_LENGTH) {
    return rejected('invalid_message_id', `messageId is ${givenId.length} characters, over the ${MAX_MESSAGE_ID_LENGTH} allowed`)
  }
  const id = givenId ? wellFormed(givenId) : ''
  const type = (impliedType ?? raw.type) as EventType
  if (!EVENT_TYPES.includes(type)) {
    return rejected('invalid_type', `type must be one of ${EVENT_TYPES.join(', ')}, got ${quoted(raw.type)}`, id)
  }
  const userId = readId(raw.userId)
  const anonymousId = readId(raw.anonymousId)
  if (userId === null || anonymousId === null) {
    return rejected('invalid_id', 'userId and anonymousId must be strings (or whole numbers up to 2^53; send larger ids as strings)', id)
  }
  if (!userId && !anonymousId) {
    return rejected('missing_user_id', 'an event needs a userId or an anonymousId (Segment: no_user_anon_id)', id)
  }
  let event: string
  if (type === 'track') {
    if (typeof raw.event !== 'string' || raw.event.trim() === '') {
      return rejected('missing_event_name', `a track call needs a non-empty string "event", got ${quoted(raw.event)}`, id)
    }
    event = wellFormed(truncate(raw.event.trim(), 200))
  } else {
    event = FIXED_EVENT_NAMES[type]
  }
  for (const field of ['properties', 'traits', 'context'] as const) {
    if (raw[field] !== undefined && raw[field] !== null && !isPlainObject(raw[field])) {
      return rejected('invalid_field_type', `${field} must be an object, got ${typeName(raw[field])}`, id)
    }
  }
  const traitsValue = raw.traits ?? (isPlainObject(raw.context) && isPlainObject(raw.context.traits) ? raw.context.traits : undefined)
  const texts = eventJsonTexts([raw.properties, traitsValue, raw.context], limits, id)
  if (!Array.isArray(texts)) return texts
  const [propertiesText, traitsText, contextText] = texts
  const context = (raw.context ?? {}) as Record<string, unknown>
  const properties = (raw.properties ?? {}) as Record<string, unknown>
  const groupId = readId(raw.groupId)
  const previousId = readId(raw.previousId)
  if (groupId === null || previousId === null) return rejected('invalid_id', 'groupId and previousId must be strings', id)
  if (type === 'alias' && !previousId) return rejected('missing_previous_id', 'an alias call needs previousId', id)
  if (type === 'group' && !groupId) return rejected('missing_group_id', 'a group call needs groupId', id)

  // originalTimestamp is the client time when both exist (RudderStack sends both; Segment's
  // timestamp may already be server-set for imports).
  const tsRaw = raw.originalTimestamp ?? raw.timestamp
  const original = parseTime(tsRaw)
  const sentAt = raw.sentAt !== undefined ? parseTime(raw.sentAt) : meta.sentAt
  if (Number.isNaN(original)) return rejected('invalid_timestamp', `timestamp ${quoted(tsRaw)} is not an ISO-8601 date`, id)
  if (Number.isNaN(sentAt)) return rejected('invalid_timestamp', `sentAt ${quoted(raw.sentAt)} is not an ISO-8601 date`, id)
  const { ts, warnings } = correctClockSkew(original, sentAt, meta.receivedAt, meta.skipClockSkew)
  const badTime = checkTimes([['timestamp', original], ['sentAt', sentAt], ['the clock-skew corrected time, receivedAt - (sentAt - timestamp),', ts]], id)
  if (badTime) return badTime
  const revenueRaw = properties.revenue ?? properties.total ?? properties.value
  const revenue = readNumber(revenueRaw)
  const badAmount = checkAmount('revenue', revenue, revenueRaw, id)
  if (badAmount) return badAmount

  const messageId = id || derivedMessageId({ source: meta.source, type, position, event: withoutSentAt(raw) })
  if (messageId === null) return rejected('too_deeply_nested', 'the event nests objects/arrays too deeply to be read: flatten it', id)
  const library = isPlainObject(context.library) ? context.library : {}
  const page = isPlainObject(context.page) ? context.page : {}
  return {
    ok: true,
    row: {
      source: meta.source,
      message_id: messageId,
      type,
      event,
      anonymous_id: anonymousId,
      user_id: userId,
      distinct_id: userId || anonymousId,
      group_id: groupId,
      previous_id: previousId,
      session_id: String(readId(properties.session_id ?? context.sessionId) ?? ''),
      ts,
      original_ts: original,
      sent_at: sentAt,
      received_at: meta.receivedAt,
      properties: propertiesText,
      traits: traitsText,
      context: contextText,
      revenue,
      currency: truncate(readString(properties.currency) ?? '', MAX_CURRENCY_LENGTH),
      url: readString(properties.url ?? page.url) ?? '',
      ip: readString(context.ip) || meta.ip,
      library: readString(library.name) ?? '',
      library_version: readString(library.version) ?? '',
      warnings,
    },
  }
}

/** The event less its sentAt: a retry re-stamps it and keeps everything else (Segment SDKs, RudderStack per event). */
function withoutSentAt(raw: Record<string, unknown>): Record<string, unknown> {
  if (!('sentAt' in raw)) return raw
  const { sentAt: _restamped, ...content } = raw
  return content
}
