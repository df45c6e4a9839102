// The pure normalisation rules: clock skew, ids, names, envelopes, per wire format.
import { describe, expect, it } from 'vitest'
import { correctClockSkew, MAX_FUTURE_MS } from '../models/events/clock-skew.ts'
import { normalizePostHogEvent } from '../models/events/posthog-normalize.ts'
import { splitRequest } from '../models/events/request-envelope.ts'
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
const meta = { source: 's', receivedAt: received, sentAt: null, ip: '10.0.0.1', skipClockSkew: false, sdkInfo: '' }
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

describe('json depth', () => {
  it('counts nesting and stops early', () => {
    expect(jsonDepth({ a: { b: [1, { c: 2 }] } })).toBe(4)
    expect(jsonDepth(JSON.parse('['.repeat(1000) + ']'.repeat(1000)), 32)).toBe(33)
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
    for (const depth of [1, 16, 32, 33, 40]) {
      const text = JSON.stringify(JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)))
      if (jsonTextDepth(text) > 32) expect(mayNestDeeperThan(text)).toBe(true)
    }
    expect(mayNestDeeperThan(JSON.stringify({ a: [1, 2], b: { c: 'x' } }))).toBe(false)
    expect(mayNestDeeperThan('['.repeat(20) + '{'.repeat(13))).toBe(true)
  })
})
