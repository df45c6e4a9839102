// Segment / RudderStack event -> EventRow. Field meanings: Segment Spec (common fields, track,
// identify, page, screen, group, alias); RudderStack sends the same shape plus originalTimestamp
// and a per-event sentAt.
import { correctClockSkew, parseTime } from './clock-skew.ts'
import { checkLimits, type EventLimits } from './event-checks.ts'
import { EVENT_TYPES, FIXED_EVENT_NAMES, rejected, type EventOutcome, type EventType } from './event-row.ts'
import { isPlainObject } from './json-limits.ts'
import { jsonText, readId, readNumber, readString, typeName } from './field-coercion.ts'
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

export function normalizeSegmentEvent(raw: unknown, impliedType: EventType | null, meta: RequestMeta, limits: EventLimits): EventOutcome {
  if (!isPlainObject(raw)) return rejected('not_an_object', `each event must be a JSON object, got ${typeName(raw)}`)
  const givenId = raw.messageId
  if (givenId !== undefined && givenId !== null && typeof givenId !== 'string') {
    return rejected('invalid_message_id', `messageId must be a string, got ${typeName(givenId)}`)
  }
  if (typeof givenId === 'string' && givenId.length > MAX_MESSAGE_ID_LENGTH) {
    return rejected('invalid_message_id', `messageId is ${givenId.length} characters, over the ${MAX_MESSAGE_ID_LENGTH} allowed`)
  }
  const type = (impliedType ?? raw.type) as EventType
  if (!EVENT_TYPES.includes(type)) {
    return rejected('invalid_type', `type must be one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(raw.type ?? null)}`, givenId ?? '')
  }
  const userId = readId(raw.userId)
  const anonymousId = readId(raw.anonymousId)
  if (userId === null || anonymousId === null) {
    return rejected('invalid_id', 'userId and anonymousId must be strings (or numbers)', givenId ?? '')
  }
  if (!userId && !anonymousId) {
    return rejected('missing_user_id', 'an event needs a userId or an anonymousId (Segment: no_user_anon_id)', givenId ?? '')
  }
  let event: string
  if (type === 'track') {
    if (typeof raw.event !== 'string' || raw.event.trim() === '') {
      return rejected('missing_event_name', `a track call needs a non-empty string "event", got ${JSON.stringify(raw.event ?? null)}`, givenId ?? '')
    }
    event = raw.event.trim().slice(0, 200)
  } else {
    event = FIXED_EVENT_NAMES[type]
  }
  for (const field of ['properties', 'traits', 'context'] as const) {
    if (raw[field] !== undefined && raw[field] !== null && !isPlainObject(raw[field])) {
      return rejected('invalid_field_type', `${field} must be an object, got ${typeName(raw[field])}`, givenId ?? '')
    }
  }
  const traitsValue = raw.traits ?? (isPlainObject(raw.context) && isPlainObject(raw.context.traits) ? raw.context.traits : undefined)
  const propertiesText = jsonText(raw.properties)
  const traitsText = jsonText(traitsValue)
  const contextText = jsonText(raw.context)
  const tooBig = checkLimits([propertiesText, traitsText, contextText], limits, givenId ?? '')
  if (tooBig) return tooBig
  const context = (raw.context ?? {}) as Record<string, unknown>
  const properties = (raw.properties ?? {}) as Record<string, unknown>
  const groupId = readId(raw.groupId)
  const previousId = readId(raw.previousId)
  if (groupId === null || previousId === null) return rejected('invalid_id', 'groupId and previousId must be strings', givenId ?? '')
  if (type === 'alias' && !previousId) return rejected('missing_previous_id', 'an alias call needs previousId', givenId ?? '')
  if (type === 'group' && !groupId) return rejected('missing_group_id', 'a group call needs groupId', givenId ?? '')

  // originalTimestamp is the client time when both exist (RudderStack sends both; Segment's
  // timestamp may already be server-set for imports).
  const tsRaw = raw.originalTimestamp ?? raw.timestamp
  const original = parseTime(tsRaw)
  const sentAt = raw.sentAt !== undefined ? parseTime(raw.sentAt) : meta.sentAt
  if (Number.isNaN(original)) return rejected('invalid_timestamp', `timestamp ${JSON.stringify(tsRaw)} is not an ISO-8601 date`, givenId ?? '')
  if (Number.isNaN(sentAt)) return rejected('invalid_timestamp', `sentAt ${JSON.stringify(raw.sentAt)} is not an ISO-8601 date`, givenId ?? '')
  const { ts, warnings } = correctClockSkew(original, sentAt, meta.receivedAt, meta.skipClockSkew)

  const messageId = givenId || derivedMessageId([meta.source, type, event, userId, anonymousId, tsRaw ?? null, raw.properties ?? raw.traits ?? null])
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
      revenue: readNumber(properties.revenue ?? properties.total ?? properties.value),
      currency: readString(properties.currency) ?? '',
      url: readString(properties.url ?? page.url) ?? '',
      ip: readString(context.ip) || meta.ip,
      library: readString(library.name) ?? '',
      library_version: readString(library.version) ?? '',
      warnings,
    },
  }
}
