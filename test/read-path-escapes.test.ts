// A read key runs SELECTs over Pulse's own tables and nothing else: every way seen to reach files,
// the network, other databases, settings or writes is refused with a 4xx and a message, the limits
// hold, and ingest keeps answering while a heavy query runs.
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, postJson, READ_KEY, startTestPulse, waitFor } from './helpers/test-pulse.ts'

let pulse: RunningPulse
let secretFile: string
const SECRET = 'sk_do_not_leak_4242'

beforeAll(async () => {
  pulse = await startTestPulse('escapes', {
    queryMaxRows: 1000,
    queryTimeoutS: 2,
    queryMaxMemoryBytes: 64 * 1024 * 1024,
    queryMaxResultBytes: 200_000,
  })
  // Stands for the data folder's dev-keys.json: a file the engine's process can read.
  secretFile = path.join(pulse.config.dataDir, 'dev-keys.json')
  writeFileSync(secretFile, JSON.stringify({ writeKey: SECRET }))
  expect(await sendBatch(pulse.url, segmentBatch('esc', 0, 20).body)).toBe(200)
  await waitFor(() => countEvents(pulse.url), (c) => c.rows >= 20)
})
afterAll(async () => {
  await pulse?.stop()
})

interface Answer {
  status: number
  text: string
  ms: number
}

async function ask(query: string, params: Record<string, unknown> = {}): Promise<Answer> {
  const started = performance.now()
  const res = await postJson(pulse.url + '/api/sql', { query, params }, { authorization: `Bearer ${READ_KEY}` })
  return { status: res.status, text: await res.text(), ms: performance.now() - started }
}

/** Refused by the caller's fault (4xx), with a message, and without the secret in the answer. */
async function expectRefused(query: string): Promise<Answer> {
  const a = await ask(query)
  const seen = `${query} -> ${a.text.slice(0, 300)}`
  expect(a.status, seen).toBeGreaterThanOrEqual(400)
  expect(a.status, seen).toBeLessThan(500)
  expect(JSON.parse(a.text).error.message.length, query).toBeGreaterThan(10)
  expect(a.text, query).not.toContain(SECRET)
  expect(a.text, query).not.toContain('root:x:0:0')
  return a
}

describe('files', () => {
  it('refuses file(), as a table function and as a function, for any path', async () => {
    for (const q of [
      "SELECT * FROM file('/etc/passwd', 'LineAsString')",
      `SELECT * FROM file('${secretFile}', 'LineAsString')`,
      `SELECT * FROM file('${pulse.config.dataDir}/../${path.basename(pulse.config.dataDir)}/dev-keys.json', 'JSONAsString')`,
      "SELECT * FROM file('/proc/self/environ', 'LineAsString')",
      `SELECT file('${secretFile}') AS f`,
      `SELECT toInt64(file('${secretFile}')) AS f`,
      `SELECT length(arrayMap(x -> file(x), ['${secretFile}'])) AS n`,
      `SELECT * FROM events WHERE user_id = (SELECT file('${secretFile}'))`,
    ]) await expectRefused(q)
  })
})

describe('the network and other servers', () => {
  it('refuses url, remote, s3 and friends at once, and the engine stays free for the next query', async () => {
    for (const q of [
      "SELECT * FROM url('http://127.0.0.1:1/x.csv', 'CSV', 'a String')",
      "SELECT * FROM remote('127.0.0.1:1', system.one)",
      "SELECT * FROM remoteSecure('127.0.0.1:1', system.one)",
      "SELECT * FROM cluster('default', system.one)",
      "SELECT * FROM s3('http://127.0.0.1:1/bucket/x.csv', 'CSV', 'a String')",
      "SELECT * FROM hdfs('hdfs://127.0.0.1:1/x.csv', 'CSV', 'a String')",
      "SELECT * FROM mysql('127.0.0.1:1', 'db', 't', 'u', 'p')",
      "SELECT * FROM postgresql('127.0.0.1:1', 'db', 't', 'u', 'p')",
      "SELECT * FROM jdbc('jdbc:mysql://127.0.0.1:1/db', 't')",
      "SELECT * FROM odbc('DSN=x', 'db', 't')",
      "SELECT * FROM executable('cat /etc/passwd', 'LineAsString', 'line String')",
      "SELECT * FROM input('a String')",
      "SELECT * FROM merge('system', 'one')",
      "SELECT * FROM view(SELECT * FROM system.tables)",
    ]) {
      const a = await expectRefused(q)
      expect(a.ms, q).toBeLessThan(2000)
    }
    const after = await ask('SELECT count() AS n FROM events')
    expect(after.status).toBe(200)
    expect(after.ms).toBeLessThan(2000)
  })
})

describe('writes, DDL and files through any spelling', () => {
  it('refuses them all, leaves the data as it was and creates no file', async () => {
    const outfile = path.join(pulse.config.dataDir, 'out.txt')
    for (const q of [
      `SELECT * FROM events INTO OUTFILE '${outfile}'`,
      `select 1 InTo /* x */ OutFile '${outfile}' FORMAT CSV`,
      `SELECT 1 INTO OUTFILE '${outfile}' AND STDOUT`,
      "InSeRt/**/INTO events (source, message_id) VALUES ('x', 'y')",
      "/* hello */ cReAtE TABLE stolen (a String) ENGINE = Memory",
      "-- note\nalter TABLE events DELETE WHERE 1",
      'dRoP table events',
      'TRUNCATE TABLE events',
      'OPTIMIZE TABLE events FINAL',
      'SYSTEM FLUSH LOGS',
      'KILL QUERY WHERE 1',
      'GRANT ALL ON *.* TO default',
      'WITH 1 AS x SELECT x; DROP TABLE events',
      '(SELECT 1) UNION ALL (SELECT 2); TRUNCATE TABLE events',
    ]) await expectRefused(q)
    expect(existsSync(outfile)).toBe(false)
    expect(await countEvents(pulse.url)).toEqual({ rows: 20, unique: 20 })
  })

  it('refuses a second statement hidden behind nested comments', async () => {
    // ClickHouse nests /* */ comments: here it ends the comment at the second */, so a reader that
    // stops at the first */ takes the rest for a string and sees one statement.
    const smuggled = `SELECT 1 /* /* */ '*/; SELECT * FROM file($$${secretFile}$$, $$LineAsString$$); SELECT '' -- '`
    await expectRefused(smuggled)
    await expectRefused('SELECT 1 /* /* */ */ ; SELECT 2')
  })
})

describe('settings', () => {
  it('refuses every setting change, in a SETTINGS clause or a SET', async () => {
    for (const q of [
      'SELECT count() FROM events SETTINGS max_execution_time = 100000',
      'SELECT count() FROM events SETTINGS readonly = 0',
      'SELECT * FROM (SELECT count() FROM events SETTINGS max_result_rows = 0)',
      "SELECT m FROM (SELECT getSetting('max_execution_time') AS m SETTINGS max_execution_time = 100000)",
      'WITH x AS (SELECT count() AS n FROM events SETTINGS max_memory_usage = 0) SELECT n FROM x',
      'SET max_execution_time = 100000',
      'SET readonly = 0',
      'SELECT count() FROM events FORMAT TabSeparated',
    ]) await expectRefused(q)
  })
})

describe('other databases', () => {
  it('reads the Pulse tables and value generators, and refuses system and information_schema tables however they are named', async () => {
    const mine = await ask(
      'WITH recent AS (SELECT user_id FROM events WHERE event = {e:String}) SELECT e.event AS event, count() AS n FROM pulse.events AS e WHERE e.user_id IN (SELECT user_id FROM recent) GROUP BY event',
      { e: 'Lesson Completed' },
    )
    expect(mine.status, mine.text).toBe(200)
    expect(JSON.parse(mine.text).rows.map((r: { event: string }) => r.event)).toContain('Lesson Completed')
    expect(JSON.parse((await ask('SELECT sum(number) AS s FROM numbers(10)')).text).rows).toEqual([{ s: 45 }])
    expect(JSON.parse((await ask('SELECT 1 AS one -- a trailing comment')).text).rows).toEqual([{ one: 1 }])
    for (const q of [
      'SELECT * FROM system.settings',
      'SELECT query FROM system.processes',
      'SELECT name, data_paths FROM system.tables',
      'SELECT * FROM system.disks',
      'SELECT * FROM system.users',
      'SELECT * FROM `system`.`build_options`',
      'SELECT * FROM INFORMATION_SCHEMA.tables',
      'SELECT * FROM information_schema.columns',
      "SELECT count() FROM events WHERE event IN (SELECT name FROM system.functions)",
      'SELECT count() FROM events WHERE event IN system.functions',
      "SELECT count() FROM events WHERE hasColumnInTable('system', 'users', 'name')",
      "SELECT getServerSetting('path') AS p",
    ]) await expectRefused(q)
  })
})

describe('limits', () => {
  it('bounds memory, time, result rows and result bytes; ingest answers fast while the slow query runs', async () => {
    const heavy = ask('SELECT count() AS n FROM numbers(100000000000) WHERE NOT ignore(sipHash64(number))')
    const slowest: number[] = []
    for (let b = 1; b <= 10; b++) {
      const started = performance.now()
      expect(await sendBatch(pulse.url, segmentBatch('esc-busy', b, 20).body)).toBe(200)
      slowest.push(performance.now() - started)
    }
    expect(Math.max(...slowest)).toBeLessThan(1000)
    const time = await heavy
    expect(time.status, time.text.slice(0, 300)).toBe(400)
    expect(time.text).toMatch(/time|timeout/i)
    expect(time.ms).toBeLessThan(15_000)
    const memory = await expectRefused('SELECT length(groupArray(number)) AS n FROM numbers(50000000)')
    expect(memory.text).toMatch(/memory/i)
    expect((await expectRefused('SELECT number FROM numbers(5000)')).text).toMatch(/rows|limit/i)
    expect((await expectRefused("SELECT repeat(toString(number), 200) AS s FROM numbers(900)")).text).toMatch(/bytes|limit/i)
  })
})
