// PostHog capture event -> EventRow. Field meanings from PostHog's capture service: distinct_id
// may sit at the top, as $distinct_id or in properties; uuid must be a UUID when present; the
// special events $identify / $create_alias / $pageview / $screen / $groupidentify map onto the
// Segment call types so both SDK families land in one table.
import { correctClockSkew } from './clock-skew.ts'
import { checkAmount, checkTimes, eventJsonTexts, type EventLimits } from './event-checks.ts'
import { rejected, type EventOutcome, type EventType } from './event-row.ts'
import { parseTime } from './event-time.ts'
import { isPlainObject } from './json-limits.ts'
import { jsonText, quoted, readId, readNumber, readString, truncate, MAX_CURRENCY_LENGTH, typeName, wellFormed } from './field-coercion.ts'
import { derivedMessageId, isUuid } from './message-id.ts'
import type { RequestMeta } from './segment-normalize.ts'

const TYPE_OF_EVENT: Record<string, EventType> = {
  $identify: 'identify',
  $create_alias: 'alias',
  $pageview: 'page',
  $screen: 'screen',
  $groupidentify: 'group',
}

export interface PostHogMeta extends RequestMeta {
  /** `PostHog-Sdk-Info` header of the v1 API, e.g. `posthog-node/5.70.0`. */
  sdkInfo: string
}

/** `position` is the event's index in its request (part of a derived id). */
export function normalizePostHogEvent(raw: unknown, meta: PostHogMeta, limits: EventLimits, position: number): EventOutcome {
  if (!isPlainObject(raw)) return rejected('not_an_object', `each event must be a JSON object, got ${typeName(raw)}`)
  const uuid = raw.uuid
  if (uuid !== undefined && uuid !== null && (typeof uuid !== 'string' || !isUuid(uuid))) {
    return rejected('invalid_uuid', `uuid ${quoted(uuid)} is not a valid UUID: leave it out or send a UUID`)
  }
  const givenId = (uuid as string | undefined) ?? ''

  if (typeof raw.event !== 'string' || raw.event.trim() === '') {
    return rejected('missing_event_name', `an event needs a non-empty string "event", got ${quoted(raw.event)}`, givenId)
  }
  if (raw.properties !== undefined && raw.properties !== null && !isPlainObject(raw.properties)) {
    return rejected('invalid_field_type', `properties must be an object, got ${typeName(raw.properties)}`, givenId)
  }
  const props = (raw.properties ?? {}) as Record<string, unknown>
  // posthog-js puts the project key in every event's properties: here that is a write key, which
  // read keys must not be able to read back.
  const stored = 'token' in props || 'api_key' in props ? withoutKeys(props) : raw.properties
  const texts = eventJsonTexts([stored], limits, givenId)
  if (!Array.isArray(texts)) return texts
  const [propertiesText] = texts
  const distinctId = readId(raw.distinct_id ?? raw.$distinct_id ?? props.distinct_id)
  if (distinctId === null) return rejected('invalid_id', 'distinct_id must be a string (or a whole number up to 2^53; send larger ids as strings)', givenId)
  if (!distinctId) return rejected('missing_user_id', 'an event needs a distinct_id', givenId)

  const event = wellFormed(truncate(raw.event.trim(), 200))
  const type: EventType = Object.hasOwn(TYPE_OF_EVENT, event) ? TYPE_OF_EVENT[event] : 'track'
  let original = parseTime(raw.timestamp)
  if (Number.isNaN(original)) return rejected('invalid_timestamp', `timestamp ${quoted(raw.timestamp)} is not an ISO-8601 date`, givenId)
  // offset: how many ms before sending the event happened (PostHog capture, when no timestamp).
  const offset = readNumber(raw.offset)
  if (Number.isNaN(offset)) return rejected('invalid_timestamp', `offset ${quoted(raw.offset)} is not a finite number of milliseconds`, givenId)
  if (original === null && offset !== null) original = meta.receivedAt - offset
  const { ts, warnings } = correctClockSkew(original, meta.sentAt, meta.receivedAt, meta.skipClockSkew || props.$ignore_sent_at === true)
  const badTime = checkTimes([['timestamp (or receive time - offset)', original], ['sent_at', meta.sentAt], ['the clock-skew corrected time, receive time - (sent_at - timestamp),', ts]], givenId)
  if (badTime) return badTime
  const revenueRaw = props.revenue ?? props.$revenue
  const revenue = readNumber(revenueRaw)
  const badAmount = checkAmount('revenue', revenue, revenueRaw, givenId)
  if (badAmount) return badAmount

  const anonId = type === 'identify' ? readId(props.$anon_distinct_id) ?? '' : ''
  // The whole event counts (offset, top-level $set, ...): PostHog SDKs resend a failed request unchanged.
  const messageId = givenId || derivedMessageId({ source: meta.source, type, position, event: raw })
  if (messageId === null) return rejected('too_deeply_nested', 'the event nests objects/arrays too deeply to be read: flatten it', givenId)
  const [sdkName, sdkVersion] = meta.sdkInfo ? meta.sdkInfo.split('/') : ['', '']
  const groupKey = type === 'group' ? String(readId(props.$group_key) ?? '') : ''
  return {
    ok: true,
    row: {
      source: meta.source,
      message_id: messageId.toLowerCase(),
      type,
      event,
      anonymous_id: anonId,
      user_id: type === 'identify' || type === 'alias' ? distinctId : '',
      distinct_id: distinctId,
      group_id: groupKey,
      previous_id: type === 'alias' ? String(readId(props.alias) ?? '') : '',
      session_id: String(readId(props.$session_id) ?? ''),
      ts,
      original_ts: original,
      sent_at: meta.sentAt,
      received_at: meta.receivedAt,
      properties: propertiesText,
      // Part of properties, which serialised above.
      traits: jsonText(props.$set) ?? '{}',
      context: '{}',
      revenue,
      currency: truncate(readString(props.currency) ?? '', MAX_CURRENCY_LENGTH),
      url: readString(props.$current_url) ?? '',
      ip: readString(props.$ip) || meta.ip,
      library: readString(props.$lib) || sdkName || '',
      library_version: readString(props.$lib_version) || sdkVersion || '',
      warnings,
    },
  }
}

function withoutKeys(props: Record<string, unknown>): Record<string, unknown> {
  const { token: _token, api_key: _apiKey, ...rest } = props
  return rest
}
