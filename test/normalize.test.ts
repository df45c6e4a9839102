// The pure normalisation rules: clock skew, ids, names, envelopes, per wire format.
import { describe, expect, it } from 'vitest'
import { correctClockSkew, MAX_FUTURE_MS } from '../models/events/clock-skew.ts'
import { normalizePostHogEvent, type PostHogMeta } from '../models/events/posthog-normalize.ts'
import { splitRequest } from '../models/events/request-envelope.ts'
import { eventsOfRequest } from '../models/events/request-events.ts'
import { normalizeSegmentEvent } from '../models/events/segment-normalize.ts'

/** Reference depth of a parsed value (objects and arrays), to check the text-based measure against. */
function jsonDepth(value: unknown, limit = 32): number {
  let max = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length) {
    const [v, d] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    const depth = d + 1
    if (depth > max) max = depth
    if (max > limit) return max
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth])
  }
  return max
}

const received = Date.parse('2026-11-23T12:00:00.000Z')
const meta: PostHogMeta = { source: 's', receivedAt: received, sentAt: null, ip: '10.0.0.1', skipClockSkew: false, sdkInfo: '' }
const limits = { maxEventBytes: 32 * 1024 }

describe('clock skew (Segment: receivedAt - (sentAt - timestamp))', () => {
  it('moves a device clock that runs 1 h fast back to server time, keeping the send delay', () => {
    const ts = received + 3600_000 - 5000 // created 5 s before sending, on a clock 1 h fast
    const sent = received + 3600_000
    expect(correctClockSkew(ts, sent, received).ts).toBe(received - 5000)
  })
  it('uses the timestamp as is without sentAt or for imports, and receive time without either', () => {
    expect(correctClockSkew(1000, null, received).ts).toBe(1000)
    expect(correctClockSkew(1000, 5000, received, true).ts).toBe(1000)
    expect(correctClockSkew(null, null, received).ts).toBe(received)
  })
  it('clamps what is still too far in the future and says so', () => {
    const r = correctClockSkew(received + MAX_FUTURE_MS + 1, null, received)
    expect(r).toEqual({ ts: received, warnings: ['future_timestamp_clamped'] })
  })
})

describe('Segment events', () => {
  it('applies the envelope sentAt and keeps ids', () => {
    const out = normalizeSegmentEvent({ type: 'track', event: ' Signed Up ', userId: 7, anonymousId: 'a', timestamp: '2026-11-23T12:59:50.000Z', messageId: 'm1' }, null, { ...meta, sentAt: Date.parse('2026-11-23T13:00:00.000Z') }, limits, 0)
    expect(out.ok).toBe(true)
    if (!out.ok) return
    expect(out.row).toMatchObject({ event: 'Signed Up', user_id: '7', anonymous_id: 'a', distinct_id: '7', message_id: 'm1', ts: received - 10_000, ip: '10.0.0.1' })
  })
  it('prefers originalTimestamp and per-event sentAt (RudderStack)', () => {
    const out = normalizeSegmentEvent({ type: 'page', userId: 'u', originalTimestamp: '2026-11-23T11:00:00.000Z', timestamp: '2026-11-23T11:59:00.000Z', sentAt: '2026-11-23T11:00:01.000Z' }, null, meta, limits, 0)
    expect(out.ok && out.row.ts).toBe(received - 1000)
    expect(out.ok && out.row.event).toBe('$pageview')
  })
  it('derives the same id for the same event and another for another', () => {
    const e = { type: 'track', event: 'E', userId: 'u', timestamp: '2026-01-01T00:00:00Z' }
    const a = normalizeSegmentEvent(e, null, meta, limits, 0)
    const b = normalizeSegmentEvent({ ...e }, null, { ...meta, receivedAt: received + 99 }, limits, 0)
    const c = normalizeSegmentEvent({ ...e, event: 'F' }, null, meta, limits, 0)
    expect(a.ok && b.ok && a.row.message_id === b.row.message_id).toBe(true)
    expect(a.ok && c.ok && a.row.message_id !== c.row.message_id).toBe(true)
  })
  it('rejects alias without previousId and group without groupId', () => {
    expect(normalizeSegmentEvent({ type: 'alias', userId: 'u' }, null, meta, limits, 0)).toMatchObject({ ok: false, reason: 'missing_previous_id' })
    expect(normalizeSegmentEvent({ userId: 'u' }, 'group', meta, limits, 0)).toMatchObject({ ok: false, reason: 'missing_group_id' })
  })
})

describe('PostHog events', () => {
  it('maps $identify to identify with the anonymous id it merges', () => {
    const out = normalizePostHogEvent({ event: '$identify', distinct_id: 'user-1', properties: { $anon_distinct_id: 'anon-1', $set: { plan: 'pro' } } }, meta, limits, 0)
    expect(out.ok && out.row).toMatchObject({ type: 'identify', user_id: 'user-1', anonymous_id: 'anon-1', traits: '{"plan":"pro"}' })
  })
  it('finds distinct_id in properties and honours $ignore_sent_at', () => {
    const out = normalizePostHogEvent({ event: 'x', timestamp: '2026-11-23T10:00:00.000Z', properties: { distinct_id: 42, $ignore_sent_at: true } }, { ...meta, sentAt: received - 1 }, limits, 0)
    expect(out.ok && out.row.distinct_id).toBe('42')
    expect(out.ok && out.row.ts).toBe(Date.parse('2026-11-23T10:00:00.000Z'))
  })
  it('takes the library from PostHog-Sdk-Info when the event has no $lib (v1)', () => {
    const out = normalizePostHogEvent({ event: 'x', distinct_id: 'd' }, { ...meta, sdkInfo: 'posthog-node/5.70.0' }, limits, 0)
    expect(out.ok && [out.row.library, out.row.library_version]).toEqual(['posthog-node', '5.70.0'])
  })
})

describe('request envelopes', () => {
  it('merges Segment batch-level context into each event', () => {
    const r = splitRequest('segment-batch', { batch: [{ type: 'track', context: { ip: '1.1.1.1' } }], context: { locale: 'de' }, writeKey: 'k' })
    expect(r.ok && r.events[0]).toMatchObject({ context: { ip: '1.1.1.1', locale: 'de' } })
    expect(r.ok && r.bodyKey).toBe('k')
  })
  it('accepts the three PostHog v0 shapes and finds the token', () => {
    expect(splitRequest('posthog-v0', { event: 'e', distinct_id: 'd', properties: { token: 't1' } })).toMatchObject({ ok: true, bodyKey: 't1' })
    expect(splitRequest('posthog-v0', [{ event: 'e', distinct_id: 'd', token: 't2' }])).toMatchObject({ ok: true, bodyKey: 't2' })
    expect(splitRequest('posthog-v0', { api_key: 't3', batch: [{ event: 'e' }], sent_at: '2026-01-01T00:00:00Z' })).toMatchObject({ ok: true, bodyKey: 't3', sentAt: Date.parse('2026-01-01T00:00:00Z') })
  })
})

describe('json text depth', () => {
  it('matches the depth of the parsed value, ignoring brackets inside strings', async () => {
    const { jsonTextDepth } = await import('../models/events/json-limits.ts')
    for (const v of [{}, [], { a: { b: [1, { c: 2 }] } }, { s: '{{[[\\"}}' }, [[[[]]]], { a: 'x\\\\', b: ['{', { c: '"]' }] }]) {
      expect(jsonTextDepth(JSON.stringify(v))).toBe(jsonDepth(v))
    }
    expect(jsonTextDepth('['.repeat(100) + ']'.repeat(100), 32)).toBe(33)
  })
})

describe('the quick nesting bound', () => {
  it('never clears a text that nests too deep', async () => {
    const { mayNestDeeperThan, jsonTextDepth } = await import('../models/events/json-limits.ts')
    for (const depth of [33, 40, 1000]) {
      const text = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
      expect(jsonTextDepth(text)).toBeGreaterThan(32)
      expect(mayNestDeeperThan(text)).toBe(true)
    }
    expect(mayNestDeeperThan(JSON.stringify({ a: [1, 2], b: { c: 'x' } }))).toBe(false)
    expect(mayNestDeeperThan('['.repeat(20) + '{'.repeat(13))).toBe(true)
  })
})

const segment = (e: Record<string, unknown>, m: Partial<typeof meta> = {}, position = 0) => normalizeSegmentEvent(e, null, { ...meta, ...m }, limits, position)
const posthog = (e: Record<string, unknown>, m: Partial<typeof meta> = {}, position = 0) => normalizePostHogEvent(e, { ...meta, ...m }, limits, position)
const idOf = (out: ReturnType<typeof segment>) => (out.ok ? out.row.message_id : `rejected: ${out.reason}`)
const track = { type: 'track', event: 'Clicked', userId: 'u1' }

describe('times the events table cannot hold (DateTime64(3): 1900-01-01 to 2299-12-31)', () => {
  it('dead-letters far-future and far-past event times, naming the field', () => {
    for (const timestamp of ['2999-01-01T00:00:00Z', '1899-12-31T23:59:59.999Z', -2208988800001, 1e20]) {
      const out = segment({ ...track, timestamp }, { skipClockSkew: true })
      expect(out).toMatchObject({ ok: false, reason: 'invalid_timestamp' })
      expect(!out.ok && out.detail).toMatch(/^timestamp is .*outside the times an event can have/)
    }
    expect(segment({ ...track, timestamp: '2999-01-01T00:00:00Z' })).toMatchObject({ ok: false, reason: 'invalid_timestamp' })
    expect(segment({ ...track, sentAt: '0001-01-01T00:00:00Z' })).toMatchObject({ ok: false, reason: 'invalid_timestamp' })
    expect(segment(track, { sentAt: Date.UTC(2400, 0, 1) })).toMatchObject({ ok: false, reason: 'invalid_timestamp' })
    expect(posthog({ event: 'e', distinct_id: 'd', timestamp: '2300-01-01T00:00:00Z' })).toMatchObject({ ok: false, reason: 'invalid_timestamp' })
    expect(posthog({ event: 'e', distinct_id: 'd', offset: 1e15 })).toMatchObject({ ok: false, reason: 'invalid_timestamp' })
    for (const timestamp of ['1900-01-01T00:00:00.000Z', '2299-12-31T23:59:59.999Z']) {
      const out = segment({ ...track, timestamp }, { skipClockSkew: true })
      expect(out.ok && out.row.original_ts).toBe(Date.parse(timestamp))
    }
  })
  it('dead-letters a time the clock-skew correction moves out of range', () => {
    const out = segment({ ...track, timestamp: '1950-01-01T00:00:00Z', sentAt: '2250-01-01T00:00:00Z' })
    expect(out).toMatchObject({ ok: false, reason: 'invalid_timestamp' })
    expect(!out.ok && out.detail).toMatch(/clock-skew corrected time/)
  })
})

describe('amounts the revenue column (Float64) cannot hold', () => {
  it('dead-letters revenue that is not a finite number, keeps decimal amounts', () => {
    const parsed = JSON.parse('{"revenue": 1e400}') as Record<string, unknown>
    for (const revenue of [parsed.revenue, 'Infinity', '-1e999', 'NaN']) {
      expect(segment({ ...track, properties: { revenue } })).toMatchObject({ ok: false, reason: 'invalid_revenue' })
      expect(posthog({ event: 'e', distinct_id: 'd', properties: { $revenue: revenue } })).toMatchObject({ ok: false, reason: 'invalid_revenue' })
    }
    expect(segment({ ...track, properties: { revenue: ' 19.90 ' } })).toMatchObject({ ok: true, row: { revenue: 19.9 } })
    expect(segment({ ...track, properties: { revenue: '0x1F' } })).toMatchObject({ ok: true, row: { revenue: null } })
  })
})

describe('time texts without a zone', () => {
  it('are read as UTC whatever the server zone', () => {
    const zone = process.env.TZ
    process.env.TZ = 'Asia/Kolkata'
    try {
      const out = segment({ ...track, timestamp: '2026-01-01T00:00:00' }, { skipClockSkew: true })
      expect(out.ok && out.row.original_ts).toBe(Date.UTC(2026, 0, 1))
      const spaced = posthog({ event: 'e', distinct_id: 'd', timestamp: '2026-01-01 10:30:00.250' }, { skipClockSkew: true })
      expect(spaced.ok && spaced.row.original_ts).toBe(Date.UTC(2026, 0, 1, 10, 30, 0, 250))
    } finally {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
    }
  })
  it('still honour a zone when one is given, and refuse dates that do not exist', () => {
    const out = segment({ ...track, timestamp: '2026-01-01T05:30:00+05:30' }, { skipClockSkew: true })
    expect(out.ok && out.row.original_ts).toBe(Date.UTC(2026, 0, 1))
    expect(segment({ ...track, properties: { revenue: 5, currency: 'E'.repeat(1000) } })).toMatchObject({ ok: true, row: { currency: 'E'.repeat(16) } })
    // Ids past 2^53 lose digits in JSON parsing: refused, not merged into someone else's id.
    expect(segment({ ...track, userId: JSON.parse('12345678901234567890') })).toMatchObject({ ok: false, reason: 'invalid_id' })
    expect(posthog({ event: 'e', distinct_id: JSON.parse('12345678901234567890') })).toMatchObject({ ok: false, reason: 'invalid_id' })
    expect(segment({ ...track, userId: 9007199254740991 })).toMatchObject({ ok: true, row: { user_id: '9007199254740991' } })
    expect(segment({ ...track, timestamp: '2026-02-30T00:00:00Z' })).toMatchObject({ ok: false, reason: 'invalid_timestamp' })
  })
})

describe('derived message ids', () => {
  it('tell apart PostHog events that differ only in offset', () => {
    const e = { event: 'e', distinct_id: 'd', properties: { a: 1 } }
    const a = posthog({ ...e, offset: 100 })
    const b = posthog({ ...e, offset: 5000 })
    expect(a.ok && b.ok && a.row.message_id !== b.row.message_id).toBe(true)
  })
  it('tell apart Segment events that differ only in traits when properties are present', () => {
    const e = { type: 'identify', userId: 'u', properties: { p: 1 } }
    expect(idOf(segment({ ...e, traits: { plan: 'a' } }))).not.toBe(idOf(segment({ ...e, traits: { plan: 'b' } })))
  })
  it('tell apart identical events at different places of one request; a retried request, whose sentAt and receive time change, keeps them', () => {
    const first = segment({ ...track, sentAt: '2026-11-23T11:59:00Z' }, { sentAt: Date.parse('2026-11-23T11:59:00Z') }, 3)
    const retry = segment({ ...track, sentAt: '2026-11-23T11:59:30Z' }, { sentAt: Date.parse('2026-11-23T11:59:30Z'), receivedAt: received + 30_000 }, 3)
    const next = segment({ ...track, sentAt: '2026-11-23T11:59:00Z' }, { sentAt: Date.parse('2026-11-23T11:59:00Z') }, 4)
    expect(idOf(first)).toMatch(/^h-[0-9a-f]{40}$/)
    expect(idOf(retry)).toBe(idOf(first))
    expect(idOf(next)).not.toBe(idOf(first))
  })
})

describe('text the table stores', () => {
  it('cuts long ids and names at a code point boundary', () => {
    const long = 'a'.repeat(199) + '😀' + 'b'
    const out = segment({ type: 'track', event: long, userId: long })
    expect(out.ok && out.row.user_id).toBe('a'.repeat(199))
    expect(out.ok && out.row.event).toBe('a'.repeat(199))
  })
  it('replaces lone surrogates with U+FFFD and keeps pairs', () => {
    const out = segment({ ...track, userId: 'x\ud800y😀', anonymousId: '\udc00', messageId: 'm\udbff' })
    expect(out.ok && [out.row.user_id, out.row.anonymous_id, out.row.message_id]).toEqual(['x\ufffdy😀', '\ufffd', 'm\ufffd'])
  })
})

describe('nesting too deep for JSON.stringify', () => {
  it('dead-letters the event instead of throwing', () => {
    const deep = JSON.parse('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)) as unknown
    expect(segment({ ...track, properties: { deep } })).toMatchObject({ ok: false, reason: 'too_deeply_nested' })
    expect(segment({ ...track, integrations: deep })).toMatchObject({ ok: false, reason: 'too_deeply_nested' })
    expect(posthog({ event: 'e', distinct_id: 'd', properties: { deep } })).toMatchObject({ ok: false, reason: 'too_deeply_nested' })
  })
})

describe('PostHog event names that are names of object members', () => {
  it('are tracks with that name, not the member', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const out = posthog({ event: name, distinct_id: 'd' })
      expect(out.ok && { type: out.row.type, event: out.row.event }).toEqual({ type: 'track', event: name })
    }
  })
})

describe('one request', () => {
  const request = (format: 'segment-batch' | 'posthog-v0', body: unknown) => ({
    format, source: 'web', receivedAt: Date.parse('2026-03-01T00:00:00Z'), ip: '', sdkInfo: '', historical: false, depth: null, body, rawText: JSON.stringify(body), streamSeq: 1,
  })

  it('keeps the first of two events with one message id, as the table keeps the first copy received', () => {
    const { rows } = eventsOfRequest(request('segment-batch', { batch: [{ ...track, messageId: 'dup', event: 'One' }, { ...track, messageId: 'dup', event: 'Two' }] }), limits)
    expect(rows.map((r) => [r.message_id, r.event])).toEqual([['dup', 'One']])
    const ph = eventsOfRequest(request('posthog-v0', { batch: [{ event: 'P1', distinct_id: 'd', uuid: '0190a2b4-0000-7000-8000-000000000001' }, { event: 'P2', distinct_id: 'd', uuid: '0190a2b4-0000-7000-8000-000000000001' }] }), limits)
    expect(ph.rows.map((r) => r.event)).toEqual(['P1'])
  })

  it('does not store the project key posthog-js puts in every event', () => {
    const { rows } = eventsOfRequest(request('posthog-v0', { batch: [{ event: 'e', distinct_id: 'd', properties: { token: 'wk_secret', api_key: 'wk_secret', plan: 'pro' } }] }), limits)
    expect(JSON.parse(rows[0].properties)).toEqual({ plan: 'pro' })
  })
})
