// The HTTP edge: CORS only on the capture paths and without credentials, X-Forwarded-For believed
// only from configured proxies, router refusals in Pulse's error shape, a header key checked before
// the body is inflated, and slow or silent clients cut off.
import { connect } from 'node:net'
import { gzipSync } from 'node:zlib'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyRequest } from 'fastify'
import { clientIp } from '../ingest/capture/capture-routes.ts'
import { createHttpServer } from '../ingest/http-server.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { basicAuth, postJson, READ_KEY, sql, startTestPulse, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

let pulse: RunningPulse

beforeAll(async () => {
  pulse = await startTestPulse('edge', { requestTimeoutMs: 1000, maxBodyBytes: 1024 * 1024 })
})
afterAll(async () => {
  await pulse?.stop()
})

const preflight = (path: string) =>
  fetch(pulse.url + path, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })

describe('CORS', () => {
  it('answers browsers on the capture paths, without credentials', async () => {
    for (const path of ['/v1/batch', '/i/v0/e/', '/i/v1/analytics/events']) {
      const res = await preflight(path)
      expect(res.status, path).toBeLessThan(300)
      expect(res.headers.get('access-control-allow-origin'), path).toBe('https://shop.example')
      expect(res.headers.get('access-control-allow-credentials'), path).toBeNull()
    }
  })
  it('gives the API routes no CORS at all', async () => {
    for (const path of ['/api/sql', '/api/ltv/refresh']) {
      expect((await preflight(path)).headers.get('access-control-allow-origin'), path).toBeNull()
    }
    const res = await postJson(pulse.url + '/api/sql', { query: 'SELECT 1 AS one' }, { authorization: `Bearer ${READ_KEY}`, origin: 'https://evil.example' })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })
})

describe('client address', () => {
  it('stores the socket address, not a forged X-Forwarded-For', async () => {
    const body = JSON.stringify({ batch: [{ type: 'track', messageId: 'edge-xff-1', userId: 'u', event: 'Forged' }] })
    const res = await fetch(pulse.url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY), 'x-forwarded-for': '203.0.113.7' }, body })
    expect(res.status).toBe(200)
    const rows = await waitFor(() => sql<{ ip: string }>(pulse.url, "SELECT ip FROM events WHERE message_id = 'edge-xff-1'"), (r) => r.length > 0)
    expect(rows.map((r) => r.ip)).toEqual(['127.0.0.1'])
  })
  it('believes X-Forwarded-For from a configured proxy', async () => {
    const app = await createHttpServer(pino({ level: 'silent' }), { maxRawBodyBytes: 1024, corsPaths: new Set(), trustProxy: ['127.0.0.0/8'], requestTimeoutMs: 5000 })
    app.get('/ip', async (req) => ({ ip: req.ip }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const { port } = app.server.address() as { port: number }
      const res = await fetch(`http://127.0.0.1:${port}/ip`, { headers: { 'x-forwarded-for': '203.0.113.7' } })
      expect(await res.json()).toEqual({ ip: '203.0.113.7' })
    } finally {
      await app.close()
    }
  })
})

describe('a forwarded address that is not one', () => {
  it('is not stored: the socket address is', () => {
    const socket = { remoteAddress: '10.1.2.3' } as FastifyRequest['socket']
    expect(clientIp({ ip: 'garbage<script>', socket })).toBe('10.1.2.3')
    expect(clientIp({ ip: '203.0.113.7', socket })).toBe('203.0.113.7')
    expect(clientIp({ ip: '2001:db8::1', socket })).toBe('2001:db8::1')
  })
})

describe('router refusals', () => {
  it('answer in the error shape of every other route: a path part too long, bad percent-encoding', async () => {
    const long = await fetch(`${pulse.url}/api/customers/${'x'.repeat(3000)}`, { headers: { authorization: `Bearer ${READ_KEY}` } })
    expect([long.status, await long.json()]).toEqual([414, { error: { code: 'path_too_long', message: expect.stringContaining('2048') } }])
    const bad = await fetch(`${pulse.url}/api/customers/%E0%A4%A`, { headers: { authorization: `Bearer ${READ_KEY}` } })
    expect([bad.status, await bad.json()]).toEqual([400, { error: { code: 'bad_url', message: expect.stringContaining('percent-encoding') } }])
  })
})

describe('authentication before decoding', () => {
  it('answers a wrong header key with 401 before inflating a gzip bomb', async () => {
    // 64 MB of zeros in about 64 KB: inflated, it would pass the 1 MB body limit (413).
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024))
    const res = await fetch(pulse.url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: basicAuth('wk_wrong') }, body: bomb })
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_write_key')
  })
})

describe('slow clients', () => {
  /** Opens a socket, sends `text`, and tells how long the server kept it open (-1: over 10 s). */
  async function heldOpenMs(text: string, dripMs = 0): Promise<number> {
    const socket = connect(pulse.port, '127.0.0.1')
    socket.on('error', () => {})
    socket.resume() // read (and drop) the 408 answer, so the close can be seen
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())))
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const started = performance.now()
    let drip: NodeJS.Timeout | undefined
    if (dripMs) {
      socket.write(text)
      drip = setInterval(() => socket.write('x'), dripMs)
    } else if (text) socket.write(text)
    const at = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 10_000))])
    clearInterval(drip)
    socket.destroy()
    return at < 0 ? -1 : at - started
  }
  it('closes a socket that sends half a request and goes silent, one that trickles and one that sends nothing, but not a slow answer', async () => {
    for (const [text, drip] of [['POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"batch":', 0], ['POST /v1/batch HTTP/1.1\r\nHost: x\r\nX-Slow: ', 200], ['', 0]] as const) {
      const held = await heldOpenMs(text, drip)
      expect(held, JSON.stringify(text)).toBeGreaterThan(0)
      expect(held, JSON.stringify(text)).toBeLessThan(5000)
    }
    // The limit is on receiving the request: an answer may take longer than it.
    const res = await postJson(pulse.url + '/api/sql', { query: 'SELECT sleepEachRow(0.6) AS s FROM numbers(3)' }, { authorization: `Bearer ${READ_KEY}` })
    expect(res.status).toBe(200)
  })
})
