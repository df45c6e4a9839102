// Every row of the bad-input list gets its documented status and message, the server stays up,
// and the valid events of a mixed batch are stored while the invalid ones are dead-lettered.
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { metricValue } from './helpers/event-batches.ts'
import { basicAuth, postJson, sql, startTestPulse, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

let pulse: RunningPulse
const auth = { authorization: basicAuth(WRITE_KEY) }
const MAX_BODY = 256 * 1024
const MAX_EVENT = 4 * 1024

beforeAll(async () => {
  pulse = await startTestPulse('badinput', { maxBodyBytes: MAX_BODY, maxEventBytes: MAX_EVENT })
})
afterAll(async () => {
  await pulse?.stop()
})

async function send(path: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(pulse.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...auth, ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers }
}

function expectError(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status).toBe(status)
  expect(r.body.error.code).toBe(code)
  expect(typeof r.body.error.message).toBe('string')
  expect(r.body.error.message.length).toBeGreaterThan(10)
}

async function deadLetters(reason: string, min = 1) {
  return waitFor(
    () => sql<{ reason: string; detail: string; raw: string; message_id: string; source: string }>(pulse.url, 'SELECT * FROM dead_letters WHERE reason = {r:String}', { r: reason }),
    (rows) => rows.length >= min,
  )
}

async function storedById(id: string) {
  return waitFor(() => sql<Record<string, any>>(pulse.url, 'SELECT * FROM events WHERE message_id = {id:String}', { id }), (r) => r.length > 0)
}

describe('requests that can never succeed', () => {
  it('malformed JSON -> 400 malformed_json, kept in dead_letters', async () => {
    expectError(await send('/v1/batch', '{"batch": [ {"type": "track",'), 400, 'malformed_json')
    const rows = await deadLetters('malformed_json')
    expect(rows[0].raw).toContain('"batch": [')
    expect(rows[0].source).toBe('test')
  })
  it('empty body -> 400 empty_body', async () => {
    expectError(await send('/v1/batch', ''), 400, 'empty_body')
  })
  it('a batch without events -> 400 no_events', async () => {
    expectError(await send('/v1/batch', JSON.stringify({ batch: [] })), 400, 'no_events')
    expectError(await send('/batch/', JSON.stringify({ api_key: WRITE_KEY, batch: [] })), 400, 'no_events')
  })
  it('wrong key -> 401 invalid_write_key; missing key -> 401 missing_write_key', async () => {
    const body = JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'E' }] })
    expectError(await send('/v1/batch', body, { authorization: basicAuth('nope') }), 401, 'invalid_write_key')
    const res = await postJson(pulse.url + '/v1/batch', body)
    expectError({ status: res.status, body: await res.json() }, 401, 'missing_write_key')
    const ph = await postJson(pulse.url + '/batch/', { api_key: 'phc_wrong', batch: [{ event: 'x', distinct_id: 'd' }] })
    expect(ph.status).toBe(401)
  })
  it('oversize batch -> 413 (raw and after gunzip)', async () => {
    const big = JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'E', properties: { s: 'x'.repeat(MAX_BODY) } }] })
    expectError(await send('/v1/batch', big), 413, 'body_too_large')
    expectError(await send('/v1/batch', gzipSync(big), { 'content-encoding': 'gzip' }), 413, 'body_too_large')
  })
  it('a gzip bomb -> 413 without inflating it', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20))
    expect(bomb.length).toBeLessThan(MAX_BODY)
    const started = Date.now()
    expectError(await send('/batch/', bomb, { 'content-encoding': 'gzip' }), 413, 'body_too_large')
    expect(Date.now() - started).toBeLessThan(5000)
  })
  it('gzip that is not gzip -> 400 invalid_gzip', async () => {
    expectError(await send('/v1/batch', Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04]), { 'content-encoding': 'gzip' }), 400, 'invalid_gzip')
    expectError(await send('/v1/batch', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x99, 0x98])), 400, 'invalid_gzip')
  })
  it('invalid UTF-8 -> 400 invalid_utf8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"batch":[{"type":"track","userId":"u","event":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')])
    expectError(await send('/v1/batch', bytes), 400, 'invalid_utf8')
  })
  it('a UTF-8 byte order mark is ignored, not dead-lettered', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'Bom', messageId: 'bom-1' }] }))])
    expect((await send('/v1/batch', body)).status).toBe(200)
    expect((await storedById('bom-1'))[0].event).toBe('Bom')
  })
  it('an oversize single event -> 413 event_too_large', async () => {
    const body = JSON.stringify({ userId: 'u', event: 'Big', properties: { s: 'y'.repeat(MAX_EVENT) } })
    expectError(await send('/v1/track', body), 413, 'event_too_large')
  })
})

describe('a mixed batch: the valid events are stored, each invalid one is dead-lettered with its reason', () => {
  const ok = (id: string, extra: Record<string, unknown> = {}) => ({ type: 'track', messageId: id, userId: 'mix-user', event: 'Valid', ...extra })
  const cases: Array<[string, Record<string, unknown>]> = [
    ['event_too_large', { type: 'track', messageId: 'bad-big', userId: 'u', event: 'E', properties: { s: 'z'.repeat(MAX_EVENT) } }],
    ['too_deeply_nested', { type: 'track', messageId: 'bad-deep', userId: 'u', event: 'E', properties: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) }],
    ['invalid_field_type', { type: 'track', messageId: 'bad-props', userId: 'u', event: 'E', properties: 'not an object' }],
    ['invalid_id', { type: 'track', messageId: 'bad-uid', userId: { id: 1 }, event: 'E' }],
    ['missing_event_name', { type: 'track', messageId: 'bad-name', userId: 'u', event: 17 }],
    ['missing_user_id', { type: 'track', messageId: 'bad-noid', event: 'E' }],
    ['invalid_type', { type: 'purchase', messageId: 'bad-type', userId: 'u' }],
    ['invalid_timestamp', { type: 'track', messageId: 'bad-ts', userId: 'u', event: 'E', timestamp: 'yesterday-ish' }],
  ]

  it('answers 200 and sorts every event', async () => {
    const batch = [ok('mix-ok-1'), ...cases.map(([, e]) => e), ok('mix-ok-2', { userId: 12345 })]
    const r = await send('/v1/batch', JSON.stringify({ batch, sentAt: new Date().toISOString() }))
    expect(r.status).toBe(200)
    expect((await storedById('mix-ok-1')).length).toBe(1)
    const second = await storedById('mix-ok-2')
    expect(second[0].user_id).toBe('12345')
    for (const [reason, e] of cases) {
      const rows = await deadLetters(reason)
      const mine = rows.find((d) => d.message_id === e.messageId)
      expect(mine, reason).toBeDefined()
      expect(mine!.detail.length).toBeGreaterThan(10)
      expect(JSON.parse(mine!.raw).messageId).toBe(e.messageId)
    }
    const [{ n }] = await sql<{ n: number }>(pulse.url, "SELECT count() AS n FROM events WHERE message_id LIKE 'bad-%'")
    expect(Number(n)).toBe(0)
  })

  it('derives a stable message id when none is sent, so a retry is stored once', async () => {
    const e = { type: 'track', userId: 'noid-user', event: 'No Id', timestamp: '2026-01-02T03:04:05.000Z', properties: { a: 1 } }
    const storedBefore = await metricValue(pulse.url, 'pulse_processor_stored_events_total')
    for (let i = 0; i < 2; i++) expect((await send('/v1/batch', JSON.stringify({ batch: [e], sentAt: new Date().toISOString() }))).status).toBe(200)
    // Both requests stored (two inserts of the same derived id), then one visible row.
    await waitFor(() => metricValue(pulse.url, 'pulse_processor_stored_events_total'), (n) => n >= storedBefore + 2)
    const rows = await sql<{ message_id: string }>(pulse.url, "SELECT message_id FROM events WHERE user_id = 'noid-user'")
    expect(rows).toHaveLength(1)
    expect(rows[0].message_id).toMatch(/^h-[0-9a-f]{40}$/)
  })

  it('keeps an event stamped far in the future, at its receive time, with a warning', async () => {
    const future = new Date(Date.now() + 30 * 86400_000).toISOString()
    const r = await send('/v1/track', JSON.stringify({ messageId: 'future-1', userId: 'u', event: 'From The Future', timestamp: future }))
    expect(r.status).toBe(200)
    const [row] = await storedById('future-1')
    expect(row.warnings).toEqual(['future_timestamp_clamped'])
    expect(row.ts).toBe(row.received_at)
    expect(row.original_ts).toBe(future.replace('T', ' ').replace('Z', ''))
  })

  it('PostHog v1 reports invalid uuids as dropped and the rest as ok', async () => {
    const good = '01890000-0000-7000-8000-000000000001'
    const r = await send('/i/v1/analytics/events', JSON.stringify({ created_at: new Date().toISOString(), batch: [
      { event: 'e', uuid: good, distinct_id: 'd1', properties: {} },
      { event: 'e', uuid: 'not-a-uuid', distinct_id: 'd1', properties: {} },
      { event: '', uuid: '01890000-0000-7000-8000-000000000002', distinct_id: 'd1' },
    ] }), { authorization: `Bearer ${WRITE_KEY}` })
    expect(r.status).toBe(200)
    expect(r.body.results[good]).toEqual({ result: 'ok' })
    expect(r.body.results['not-a-uuid'].result).toBe('drop')
    expect(r.body.results['01890000-0000-7000-8000-000000000002'].result).toBe('drop')
    expect((await deadLetters('invalid_uuid')).length).toBeGreaterThan(0)
  })
})

describe('text that needs escaping on its way into ClickHouse', () => {
  it('is stored unchanged', async () => {
    const nasty = 'tab\there\nnew line\r\\ back\\slash "quotes" \'single\' \u0000 nul 😀 日本 [\'x\']'
    const e = { type: 'track', messageId: 'esc-1', userId: `u\t${nasty}`, event: `Event ${nasty}`, properties: { s: nasty, nested: { k: nasty } }, context: { page: { url: `https://x.test/?q=${nasty}` } } }
    const future = { type: 'track', messageId: 'esc-2', userId: 'u', event: 'E', timestamp: new Date(Date.now() + 9e9).toISOString() }
    expect((await send('/v1/batch', JSON.stringify({ batch: [e, future] }))).status).toBe(200)
    const [row] = await storedById('esc-1')
    expect(row.user_id).toBe(`u\t${nasty}`)
    expect(row.event).toBe(`Event ${nasty}`)
    expect(JSON.parse(row.properties)).toEqual({ s: nasty, nested: { k: nasty } })
    expect(row.url).toBe(`https://x.test/?q=${nasty}`)
    expect((await storedById('esc-2'))[0].warnings).toEqual(['future_timestamp_clamped'])
  })
})

describe('after all of it', () => {
  it('the server is still up', async () => {
    const res = await fetch(pulse.url + '/healthz')
    expect(res.status).toBe(200)
  })
})
