// The analysis copy of the events (migration 014): one row per event after SDK retries, a replay
// of the stream, and for the events stored before the table existed; a time range reads that range.
import path from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { connectNats, startPulse, type RunningPulse } from '../pipelines/pulse-app.ts'
import { startNatsServer } from '../pipelines/runtime/embedded-nats.ts'
import { replayFromStart } from '../pipelines/stream/jetstream-setup.ts'
import { openClickHouse } from '../sql/clickhouse-client.ts'
import { migrate } from '../sql/migrate.ts'
import { migrations } from '../sql/sql-files.ts'
import { keyIdOf } from '../models/identity/event-ids.ts'
import { metricValue, segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { sql, tempDir, testConfig, waitFor } from './helpers/test-pulse.ts'

const running: Array<{ stop(): Promise<void> }> = []
afterEach(async () => {
  for (const r of running.reverse()) await r.stop()
  running.length = 0
})

const BY_KEY = 'SELECT key_id, message_id, toUnixTimestamp64Milli(ts) AS ts FROM events_by_day ORDER BY key_id, message_id'
const FROM_EVENTS = `SELECT if(user_id != '', user_id, anonymous_id) AS key_id, message_id, toUnixTimestamp64Milli(ts) AS ts FROM events ORDER BY key_id, message_id`

async function rawRows(pulse: RunningPulse): Promise<number> {
  const r = await pulse.clickhouse.client.query({ query: 'SELECT count() AS n FROM events_by_day', format: 'JSONEachRow' })
  return Number((await r.json<{ n: string }>())[0].n)
}

describe('events_by_day', () => {
  it('holds a retried copy (same message id, time a few ms apart) once, with the time of the copy received first', async () => {
    const config = testConfig('by-day-retry')
    const pulse = await startPulse(config, pino({ level: 'silent' }))
    running.push(pulse)
    const first = segmentBatch('bykey', 0, 40)
    expect(await sendBatch(pulse.url, first.body)).toBe(200)
    const resent = JSON.parse(first.body)
    // A retry re-stamps sentAt: the corrected time of the copy moves by the 7 ms less it claims to have waited.
    resent.sentAt = new Date(Date.parse(resent.sentAt) + 7).toISOString()
    expect(await sendBatch(pulse.url, JSON.stringify(resent))).toBe(200)
    await waitFor(() => metricValue(pulse.url, 'pulse_processor_stored_events_total'), (n) => n >= 80)
    await waitFor(() => rawRows(pulse), (n) => n >= 80)
    const rows = await sql(pulse.url, BY_KEY)
    expect(rows).toHaveLength(40)
    expect(rows).toEqual(await sql(pulse.url, FROM_EVENTS))
  })

  it('is unchanged by a replay of the whole stream', async () => {
    const nats = await startNatsServer(tempDir('by-day-replay-nats'))
    running.push(nats)
    const config = testConfig('by-day-replay', { natsUrl: nats.url })
    let pulse = await startPulse(config, pino({ level: 'silent' }))
    for (let b = 0; b < 3; b++) expect(await sendBatch(pulse.url, segmentBatch('bykey-replay', b, 200).body)).toBe(200)
    await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) >= 600)
    const before = await sql(pulse.url, BY_KEY)
    await pulse.stop()

    const nc = await connectNats(nats.url, 'test-by-day-replay')
    await replayFromStart(nc, config.stream, config.consumer)
    await nc.drain()
    pulse = await startPulse(config, pino({ level: 'silent' }))
    running.push(pulse)
    await waitFor(() => metricValue(pulse.url, 'pulse_processor_stored_events_total'), (n) => n >= 600)
    expect(await rawRows(pulse)).toBeGreaterThanOrEqual(1200)
    expect(await sql(pulse.url, BY_KEY)).toEqual(before)
  })

  it('gets the events stored before it existed, retried copies on either side of midnight counted once', async () => {
    const ch = await openClickHouse({ user: 'default', password: '', database: 'by_day_migration', embeddedPath: path.join(tempDir('by-day-migration'), 'clickhouse') })
    running.push({ stop: () => ch.close() })
    // The schema as it was before migration 014 (events_by_key), recorded as applied.
    for (const m of migrations().filter((m) => m.version < 14)) {
      for (const s of m.statements) await ch.client.command({ query: s })
      await ch.client.insert({ table: 'schema_migrations', values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' })
    }
    await ch.client.command({
      query: `INSERT INTO events (source, message_id, type, event, user_id, anonymous_id, ts, original_ts, received_at, properties) VALUES
        ('web', 'm1', 'track', 'Viewed', '', 'anon-1', '2026-01-31 23:59:59.998', NULL, '2026-01-31 23:59:59.998', '{}'),
        ('web', 'm2', 'track', 'Bought', 'null', 'anon-1', '2026-01-15 10:00:00.000', '2026-01-15 09:59:58.000', '2026-01-15 10:00:00.000', '{}'),
        ('web', 'm3', 'track', 'Viewed', 'u-3', '', '2026-02-28 23:59:59.999', '2026-02-28 23:59:59.000', '2026-02-28 23:59:59.999', '{}')`,
    })
    expect(await migrate(ch.client)).toContain(14)
    const tables = await ch.client.query({ query: "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'events_by%' ORDER BY name", format: 'JSONEachRow' })
    expect((await tables.json<{ name: string }>()).map((t) => t.name)).toEqual(['events_by_day', 'events_by_day_feed'])
    // A retry of m1 sent without a timestamp and received 5 ms later, on the next day; a retry of m3
    // with its timestamp but a new sentAt: its corrected time falls on the next day (and month).
    await ch.client.command({
      query: `INSERT INTO events (source, message_id, type, event, user_id, anonymous_id, ts, original_ts, received_at, properties) VALUES
        ('web', 'm1', 'track', 'Viewed', '', 'anon-1', '2026-02-01 00:00:00.003', NULL, '2026-02-01 00:00:00.003', '{}'),
        ('web', 'm3', 'track', 'Viewed', 'u-3', '', '2026-03-01 00:00:00.004', '2026-02-28 23:59:59.000', '2026-03-01 00:00:00.004', '{}')`,
    })
    const r = await ch.client.query({ query: `${BY_KEY.replace('FROM events_by_day', 'FROM events_by_day FINAL')}`, format: 'JSONEachRow' })
    expect(await r.json()).toEqual([
      { key_id: 'anon-1', message_id: 'm1', ts: Date.parse('2026-01-31T23:59:59.998Z') },
      { key_id: 'anon-1', message_id: 'm2', ts: Date.parse('2026-01-15T10:00:00.000Z') },
      { key_id: 'u-3', message_id: 'm3', ts: Date.parse('2026-02-28T23:59:59.999Z') },
    ])
    // A range read sees the winning copy only, whichever day the other copy's time fell on.
    const march = await ch.client.query({ query: "SELECT count() AS n FROM events_by_day FINAL WHERE ts >= '2026-03-01 00:00:00'", format: 'JSONEachRow' })
    expect(Number((await march.json<{ n: string }>())[0].n)).toBe(0)
  })

  it('reads a time range without reading the rest of the table', async () => {
    const ch = await openClickHouse({ user: 'default', password: '', database: 'by_day_range', embeddedPath: path.join(tempDir('by-day-range'), 'clickhouse') })
    running.push({ stop: () => ch.close() })
    await migrate(ch.client)
    // 100 days of 4,000 events (half a granule a day) from 500 ids, in one insert as an import makes it.
    await ch.client.command({
      query: `INSERT INTO events (source, message_id, type, event, user_id, ts, original_ts, received_at, properties)
        SELECT 'web', toString(number), 'track', 'Viewed', concat('u-', toString(number % 500)),
          toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + toIntervalMillisecond(intDiv(number, 4000) * 86400000 + (number % 4000) * 20000),
          toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + toIntervalMillisecond(intDiv(number, 4000) * 86400000 + (number % 4000) * 20000 - 500),
          toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + toIntervalMillisecond(intDiv(number, 4000) * 86400000 + (number % 4000) * 20000 + 300), '{}'
        FROM numbers(400000)`,
    })
    const explain = await ch.client.query({ query: "EXPLAIN indexes = 1 SELECT count() FROM events_by_day FINAL WHERE ts >= '2026-02-01 00:00:00' AND ts < '2026-02-08 00:00:00'", format: 'TabSeparatedRaw' })
    const plan = await explain.text()
    // The granules read (after the ts index and the widening FINAL needs) against the table's.
    const read = Number(/Parts: \d+ \| Granules: (\d+)/.exec(plan)?.[1])
    const total = Number(/PrimaryKey[\s\S]*?Granules: \d+\/(\d+)/.exec(plan)?.[1])
    // A week of 100 days: about 7 % of the granules, a few more at the edges.
    expect(total).toBeGreaterThanOrEqual(45)
    expect(read / total).toBeLessThan(0.2)
    const r = await ch.client.query({ query: "SELECT count() AS n FROM events_by_day FINAL WHERE ts >= '2026-02-01 00:00:00' AND ts < '2026-02-08 00:00:00'", format: 'JSONEachRow' })
    expect(Number((await r.json<{ n: string }>())[0].n)).toBe(7 * 4000)
  })

  it('files an event from a clock centuries off on the day of that clock, and a range read by ts still finds it', async () => {
    const ch = await openClickHouse({ user: 'default', password: '', database: 'by_day_clocks', embeddedPath: path.join(tempDir('by-day-clocks'), 'clickhouse') })
    running.push({ stop: () => ch.close() })
    await migrate(ch.client)
    await ch.client.command({
      query: `INSERT INTO events (source, message_id, type, event, user_id, ts, original_ts, received_at, properties) VALUES
        ('web', 'c1', 'track', 'Viewed', 'u-1', '2026-03-10 12:00:00', '1900-01-02 08:00:00', '2026-03-10 12:00:00', '{}'),
        ('web', 'c2', 'track', 'Viewed', 'u-1', '2026-03-10 12:00:01', '2200-03-01 10:00:00', '2026-03-10 12:00:01', '{}')`,
    })
    const r = await ch.client.query({ query: "SELECT message_id, toString(day) AS day FROM events_by_day FINAL WHERE ts >= '2026-03-10 00:00:00' AND ts < '2026-03-11 00:00:00' ORDER BY message_id", format: 'JSONEachRow' })
    expect(await r.json()).toEqual([{ message_id: 'c1', day: '1900-01-02' }, { message_id: 'c2', day: '2200-03-01' }])
  })

  it('keys each event by the id keyIdOf gives, blocklisted and blank ids skipped', async () => {
    const ch = await openClickHouse({ user: 'default', password: '', database: 'by_day_ids', embeddedPath: path.join(tempDir('by-day-ids'), 'clickhouse') })
    running.push({ stop: () => ch.close() })
    await migrate(ch.client)
    const cases = [
      { user_id: 'u-1', anonymous_id: 'a-1', distinct_id: '' },
      { user_id: 'NULL', anonymous_id: 'a-2', distinct_id: 'd-2' },
      { user_id: ' \tundefined\n', anonymous_id: 'Guest', distinct_id: 'd-3' },
      { user_id: '', anonymous_id: '', distinct_id: '[object Object]' },
      { user_id: '00000000-0000-0000-0000-000000000000', anonymous_id: 'null', distinct_id: '' },
      { user_id: '  ', anonymous_id: '', distinct_id: 'posthog-9' },
      { user_id: 'n/a', anonymous_id: 'N/A', distinct_id: '0' },
    ]
    await ch.client.insert({
      table: 'events',
      values: cases.map((c, i) => ({ source: 'web', message_id: `k${i}`, type: 'track', event: 'Viewed', ...c, ts: '2026-01-01 00:00:00.000', received_at: '2026-01-01 00:00:00.000', properties: '{}' })),
      format: 'JSONEachRow',
    })
    const r = await ch.client.query({ query: 'SELECT key_id FROM events_by_day FINAL ORDER BY message_id', format: 'JSONEachRow' })
    expect((await r.json<{ key_id: string }>()).map((x) => x.key_id)).toEqual(cases.map(keyIdOf))
  })
})
