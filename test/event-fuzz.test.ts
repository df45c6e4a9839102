// Whatever bytes arrive, ingest answers 4xx or accepts, and every accepted event ends stored or
// dead-lettered: never an exception, a 5xx or a batch that cannot be inserted. The bulk runs as
// plain function calls (scanner, envelope, the processor's per-message step, the encoder); a
// bounded part goes through HTTP into a running Pulse.
import fc from 'fast-check'
import { isUtf8 } from 'node:buffer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WHOLE_REQUEST } from '../models/events/event-row.ts'
import { jsonBytesDepth, MAX_REQUEST_DEPTH } from '../models/events/json-limits.ts'
import { scanJson } from '../models/events/json-scan.ts'
import { segmentBatchSummary, splitRequest, type WireFormat } from '../models/events/request-envelope.ts'
import { HEADER } from '../models/events/stream-contract.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { processMessage } from '../pipelines/stream/message-processing.ts'
import { DEFAULT_FEATURE_CONFIG } from '../models/tags/feature-config.ts'
import { looseValue, nested, posthogEvent, segmentEvent } from './helpers/event-arbitraries.ts'
import { basicAuth, sql, startTestPulse, waitFor, WRITE_KEY, untilProcessed } from './helpers/test-pulse.ts'

const LIMITS = { maxDepth: MAX_REQUEST_DEPTH, maxBytes: 1 << 20 }
const FORMATS: WireFormat[] = ['segment-batch', 'segment-track', 'segment-identify', 'posthog-v0', 'posthog-v1']

const parses = (text: string) => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** Request bodies: valid batches of hostile events, any JSON, deep nesting, and raw bytes. */
const body = fc.oneof(
  fc.record({ batch: fc.array(segmentEvent, { minLength: 1, maxLength: 4 }), sentAt: looseValue, context: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ['batch'] }).map((b) => JSON.stringify(b)),
  fc.record({ batch: fc.array(posthogEvent, { minLength: 1, maxLength: 4 }), sent_at: looseValue, api_key: fc.constant(WRITE_KEY) }, { requiredKeys: ['batch'] }).map((b) => JSON.stringify(b)),
  segmentEvent.map((e) => JSON.stringify(e)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 200_000 }).map((d) => `{"batch":[{"type":"track","event":"e","userId":"u","properties":{"deep":${'['.repeat(d)}${']'.repeat(d)}}}]}`),
  fc.integer({ min: 1, max: 100 }).map((d) => JSON.stringify({ batch: [{ type: 'track', event: 'e', userId: 'u', properties: { deep: nested(d) } }] })),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
)

const message = (format: WireFormat, data: Uint8Array) => ({
  subject: 'pulse.events.fuzz',
  seq: 1,
  headers: { [HEADER.format]: format, [HEADER.source]: 'fuzz', [HEADER.receivedAt]: String(Date.UTC(2026, 10, 23)) },
  data,
})

describe('pure functions on any input', () => {
  it('the scanner and the envelope never throw, agree with JSON.parse, and refuse nesting past the cap', () => {
    fc.assert(
      fc.property(fc.oneof(body.map((t) => Buffer.from(t)), fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b))), (bytes) => {
        const scan = scanJson(bytes, LIMITS)
        if (!scan.ok) {
          if (scan.problem === 'too_deeply_nested') expect(jsonBytesDepth(bytes, LIMITS.maxDepth)).toBeGreaterThan(LIMITS.maxDepth)
          else if (isUtf8(bytes)) expect(parses(bytes.toString('utf8'))).toBe(false)
          return
        }
        expect(jsonBytesDepth(bytes, LIMITS.maxDepth)).toBeLessThanOrEqual(LIMITS.maxDepth)
        if (!isUtf8(bytes)) return
        const text = bytes.toString('utf8')
        expect(parses(text)).toBe(true)
        const split = splitRequest('segment-batch', JSON.parse(text))
        const summary = segmentBatchSummary(bytes, scan)
        expect(summary.ok).toBe(split.ok)
        if (summary.ok && split.ok) expect([summary.eventCount, summary.bodyKey]).toEqual([split.events.length, split.bodyKey])
      }),
      { numRuns: 1500 },
    )
  })

  it('the processor turns any stored request into rows and dead letters that account for every event', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FORMATS), body, (format, text) => {
        const out = processMessage(message(format, Buffer.from(text)), { limits: { maxEventBytes: 32 * 1024 }, refuseRowsMatching: '', failProcessingMatching: '', features: DEFAULT_FEATURE_CONFIG })
        const whole = out.deadLetters.filter((d) => d.position === WHOLE_REQUEST)
        if (whole.length) {
          expect([out.rowCount, out.deadLetters.length]).toEqual([0, 1])
          return
        }
        const split = splitRequest(format, JSON.parse(text))
        expect(split.ok && out.rowCount + out.deadLetters.length).toBe(split.ok && split.events.length)
        expect(out.tsv === null).toBe(out.rowCount === 0)
      }),
      { numRuns: 1500 },
    )
  })

  it('the processor dead-letters a stored event nested 100,000 deep instead of throwing', () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)
    for (const format of FORMATS) {
      const text = format.startsWith('posthog') ? `{"batch":[{"event":"e","distinct_id":"d","properties":${deep}}]}` : `{"batch":[{"type":"track","event":"e","userId":"u","properties":${deep}}],"type":"track","event":"e","userId":"u","properties":${deep}}`
      const out = processMessage(message(format, Buffer.from(text)), { limits: { maxEventBytes: 1 << 30 }, refuseRowsMatching: '', failProcessingMatching: '', features: DEFAULT_FEATURE_CONFIG })
      expect(out.deadLetters.map((d) => d.reason)).toEqual(['too_deeply_nested'])
    }
  })
})

describe('through HTTP into a running Pulse', () => {
  let pulse: RunningPulse
  const auth = { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }
  const ROUTES: Array<[string, WireFormat]> = [['/v1/batch', 'segment-batch'], ['/v1/track', 'segment-track'], ['/batch', 'posthog-v0'], ['/i/v1/analytics/events', 'posthog-v1']]

  beforeAll(async () => {
    pulse = await startTestPulse('event-fuzz')
  })
  afterAll(async () => {
    await pulse?.stop()
  })

  const post = (route: string, text: string) => fetch(pulse.url + route, { method: 'POST', headers: auth, body: text })

  async function handled(): Promise<{ stored: number; dead: number; failedInserts: number }> {
    const text = await (await fetch(pulse.url + '/metrics')).text()
    const sum = (name: string) => text.split('\n').filter((l) => l.startsWith(name)).reduce((n, l) => n + Number(l.split(' ').pop()), 0)
    return { stored: sum('pulse_processor_stored_events_total'), dead: sum('pulse_processor_dead_letters_total'), failedInserts: sum('pulse_processor_insert_failures_total') }
  }

  it('refuses a batch nested 100,000 deep with 400 too_deeply_nested, on every route', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    for (const [route] of ROUTES) {
      const res = await post(route, `{"batch":[{"type":"track","event":"e","userId":"u","distinct_id":"d","properties":{"x":${deep}}}],"api_key":"${WRITE_KEY}"}`)
      expect([route, res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([route, 400, 'too_deeply_nested'])
    }
  })

  it('stores the valid events of a batch and dead-letters a far-future time and an infinite revenue', async () => {
    const body = `{"batch":[{"type":"track","event":"Fuzz Ok","userId":"far-1","messageId":"far-ok"},{"type":"track","event":"Fuzz Far","userId":"far-1","messageId":"far-2999","timestamp":"2999-01-01T00:00:00Z"},{"type":"track","event":"Fuzz Inf","userId":"far-1","messageId":"far-inf","properties":{"revenue":1e400}},{"type":"track","event":"Fuzz 1969","userId":"far-1","messageId":"far-1969","timestamp":"1969-12-31T23:59:58.500Z"}]}`
    expect((await post('/v1/batch', body)).status).toBe(200)
    const stored = await waitFor(() => sql<{ message_id: string; ms: number | null }>(pulse.url, "SELECT message_id, toUnixTimestamp64Milli(original_ts) AS ms FROM events WHERE user_id = 'far-1' ORDER BY message_id"), (r) => r.length >= 2)
    expect(stored).toEqual([{ message_id: 'far-1969', ms: Date.UTC(1969, 11, 31, 23, 59, 58, 500) }, { message_id: 'far-ok', ms: null }])
    const dead = await waitFor(() => sql<{ message_id: string; reason: string; detail: string }>(pulse.url, "SELECT message_id, reason, detail FROM dead_letters WHERE message_id LIKE 'far-%' ORDER BY message_id"), (r) => r.length >= 2)
    expect(dead.map((d) => [d.message_id, d.reason])).toEqual([['far-2999', 'invalid_timestamp'], ['far-inf', 'invalid_revenue']])
    expect(dead[0].detail).toMatch(/2999-01-01T00:00:00.000Z, outside the times an event can have/)
  })

  it('answers any body with 2xx or 4xx, and every accepted event ends stored or dead-lettered', async () => {
    // The counters move when a batch is acked, after its profile stage: the earlier tests' batches first.
    await untilProcessed(pulse)
    const before = await handled()
    let expected = 0
    const published = new Set<string>()
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), body, async ([route, format], text) => {
        const res = await post(route, text)
        await res.arrayBuffer()
        expect(res.status).toBeLessThan(500)
        // An accepted body already published in the same format is a retry: JetStream keeps one copy.
        const key = `${format}\0${text}`
        if (res.status === 200 && !published.has(key)) {
          published.add(key)
          const split = splitRequest(format, JSON.parse(text))
          expected += split.ok ? split.events.length : 1
        } else if (res.status === 400) expected += 1 // the refused request is dead-lettered whole
      }),
      { numRuns: 150 },
    )
    const after = await waitFor(handled, (h) => h.stored + h.dead - before.stored - before.dead >= expected)
    expect(after.stored + after.dead - before.stored - before.dead).toBe(expected)
    expect(after.failedInserts).toBe(before.failedInserts)
  })
})
