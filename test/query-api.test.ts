// POST /api/sql and `pulse sql`: read-only queries with bound parameters, limits, and refusals.
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, postJson, READ_KEY, sql, startTestPulse, tempDir, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

const run = promisify(execFile)
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')
let pulse: RunningPulse

beforeAll(async () => {
  pulse = await startTestPulse('query', { queryMaxRows: 1000 })
  expect(await sendBatch(pulse.url, segmentBatch('q', 0, 30).body)).toBe(200)
  await waitFor(() => countEvents(pulse.url), (c) => c.rows >= 30)
})
afterAll(async () => {
  await pulse?.stop()
})

const ask = (body: unknown, key = READ_KEY) => postJson(pulse.url + '/api/sql', body, { authorization: `Bearer ${key}` })

describe('POST /api/sql', () => {
  it('runs a query with bound parameters', async () => {
    const rows = await sql<{ n: number }>(pulse.url, 'SELECT count() AS n FROM events WHERE user_id = {u:String} AND properties LIKE {p:String}', { u: 'q-user-1', p: '%"n"%' })
    expect(Number(rows[0].n)).toBe(2) // users cycle every 17 events: n = 1 and n = 18
  })
  it('refuses write statements with 400, and the data is untouched', async () => {
    for (const q of ['INSERT INTO events (source, message_id) VALUES (\'x\', \'y\')', 'DROP TABLE events', 'ALTER TABLE events DELETE WHERE 1', 'SELECT 1; DROP TABLE events']) {
      const res = await ask({ query: q })
      expect(res.status, q).toBe(400)
      const body = (await res.json()) as { error: { code: string } }
      expect(['read_only', 'query_failed']).toContain(body.error.code)
    }
    expect(await countEvents(pulse.url)).toEqual({ rows: 30, unique: 30 })
  })
  it('bounds the rows a result may hold', async () => {
    const res = await ask({ query: 'SELECT number FROM system.numbers LIMIT 5000' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/limit|rows/i)
  })
  it('needs a read key: none, a write key or a wrong one get 401', async () => {
    expect((await postJson(pulse.url + '/api/sql', { query: 'SELECT 1' })).status).toBe(401)
    expect((await ask({ query: 'SELECT 1' }, WRITE_KEY)).status).toBe(401)
    expect((await ask({ query: 'SELECT 1' }, 'rk_wrong')).status).toBe(401)
  })
  it('explains a malformed request body and a bad query', async () => {
    expect((await ask('not json')).status).toBe(400)
    expect((await ask({ params: {} })).status).toBe(400)
    const res = await ask({ query: 'SELECT no_such_column FROM events' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('no_such_column')
  })

  it('names a missing or unreadable parameter as a parameter problem', async () => {
    const wraps = [
      { query: 'SELECT {x:UInt8} AS x', params: { x: 300 } },
      { query: 'SELECT {y:Int8} AS y', params: { y: '200' } },
      { query: 'SELECT {d:Date} AS d', params: { d: '2026-02-30' } },
      { query: 'SELECT {n:Nullable(UInt16)} AS n', params: { n: 1.5 } },
    ]
    for (const body of [{ query: 'SELECT {x:UInt8} AS x' }, { query: 'SELECT {x:NoSuchType} AS x', params: { x: 1 } }, ...wraps]) {
      const res = await ask(body)
      expect(res.status).toBe(400)
      const { error } = (await res.json()) as { error: { code: string; message: string } }
      expect(error.code, error.message).toBe('invalid_params')
      expect(error.message).toMatch(/params|send a value its type holds|reads parameters of the types/)
    }
    const fits = await ask({ query: 'SELECT {x:UInt8} AS x, {d:Date} AS d, {b:Int32} AS b', params: { x: 255, d: '2024-02-29', b: '-2147483648' } })
    expect(await fits.json()).toEqual({ rows: [{ x: 255, d: '2024-02-29', b: -2147483648 }] })
  })
})

describe('pulse sql', () => {
  it('sends Bool and JSON array parameters as the query API reads them', async () => {
    const { stdout } = await run(process.execPath, [cli, 'sql', 'SELECT {b:Bool} AS b, {a:Array(String)} AS a, {n:UInt8} AS n', '--param', 'b=true', '--param', 'a=["x","y"]', '--param', 'n=7', '--url', pulse.url, '--read-key', READ_KEY, '--format', 'json'])
    expect(JSON.parse(stdout.trim())).toEqual({ b: true, a: ['x', 'y'], n: 7 })
  })

  it('binds every parameter type on a data folder no Pulse serves, ClickHouse literals included', async () => {
    const dir = tempDir('query-api-direct')
    mkdirSync(path.join(dir, 'clickhouse'))
    const { stdout } = await run(process.execPath, [cli, 'sql', 'SELECT {b:Bool} AS b, {a:Array(String)} AS a, toString({d:Decimal(10, 2)}) AS d', '--param', 'b=true', '--param', "a=['x','y']", '--param', 'd=1.50', '--data-dir', dir, '--format', 'json'])
    expect(JSON.parse(stdout.trim())).toEqual({ b: true, a: ['x', 'y'], d: '1.5' })
  })

  it('queries a running Pulse through its URL', async () => {
    const { stdout } = await run(process.execPath, [cli, 'sql', 'SELECT count() AS n FROM events WHERE user_id = {u:String}', '--param', 'u=q-user-0', '--url', pulse.url, '--read-key', READ_KEY, '--format', 'json'])
    expect(JSON.parse(stdout.trim())).toEqual({ n: 2 })
  })
  it('finds the running Pulse of a data folder by itself', async () => {
    const { stdout } = await run(process.execPath, [cli, 'sql', 'SELECT event, count() AS n FROM events GROUP BY event', '--data-dir', pulse.config.dataDir, '--read-key', READ_KEY])
    expect(stdout).toContain('Lesson Completed')
    expect(stdout).toMatch(/\b30\b/)
  })
})
