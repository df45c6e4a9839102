// The analysis copy of the events (migration 010): one row per event after SDK retries, a replay
// of the stream, and for the events stored before the table existed.
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

const BY_KEY = 'SELECT key_id, message_id, toUnixTimestamp64Milli(ts) AS ts FROM events_by_key ORDER BY key_id, message_id'
const FROM_EVENTS = `SELECT if(user_id != '', user_id, anonymous_id) AS key_id, message_id, toUnixTimestamp64Milli(ts) AS ts FROM events ORDER BY key_id, message_id`

async function rawRows(pulse: RunningPulse): Promise<number> {
  const r = await pulse.clickhouse.client.query({ query: 'SELECT count() AS n FROM events_by_key', format: 'JSONEachRow' })
  return Number((await r.json<{ n: string }>())[0].n)
}

describe('events_by_key', () => {
  it('holds a retried copy (same message id, time a few ms apart) once, with the time of the copy received first', async () => {
    const config = testConfig('by-key-retry')
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
    const nats = await startNatsServer(tempDir('by-key-replay-nats'))
    running.push(nats)
    const config = testConfig('by-key-replay', { natsUrl: nats.url })
    let pulse = await startPulse(config, pino({ level: 'silent' }))
    for (let b = 0; b < 3; b++) expect(await sendBatch(pulse.url, segmentBatch('bykey-replay', b, 200).body)).toBe(200)
    await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_key'), (r) => Number(r[0].n) >= 600)
    const before = await sql(pulse.url, BY_KEY)
    await pulse.stop()

    const nc = await connectNats(nats.url, 'test-by-key-replay')
    await replayFromStart(nc, config.stream, config.consumer)
    await nc.drain()
    pulse = await startPulse(config, pino({ level: 'silent' }))
    running.push(pulse)
    await waitFor(() => metricValue(pulse.url, 'pulse_processor_stored_events_total'), (n) => n >= 600)
    expect(await rawRows(pulse)).toBeGreaterThanOrEqual(1200)
    expect(await sql(pulse.url, BY_KEY)).toEqual(before)
  })

  it('gets the events stored before it existed, a copy a month apart in time counted once', async () => {
    const ch = await openClickHouse({ user: 'default', password: '', database: 'by_key_migration', embeddedPath: path.join(tempDir('by-key-migration'), 'clickhouse') })
    running.push({ stop: () => ch.close() })
    // The schema as it was before migration 010, recorded as applied.
    for (const m of migrations().filter((m) => m.version < 10)) {
      for (const s of m.statements) await ch.client.command({ query: s })
      await ch.client.insert({ table: 'schema_migrations', values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' })
    }
    await ch.client.command({
      query: `INSERT INTO events (source, message_id, type, event, user_id, anonymous_id, ts, received_at, properties) VALUES
        ('web', 'm1', 'track', 'Viewed', '', 'anon-1', '2026-01-31 23:59:59.998', '2026-01-31 23:59:59.998', '{}'),
        ('web', 'm2', 'track', 'Bought', 'null', 'anon-1', '2026-01-15 10:00:00.000', '2026-01-15 10:00:00.000', '{}')`,
    })
    expect(await migrate(ch.client)).toContain(10)
    // A retry of m1 sent without a timestamp and received 5 ms later: stamped in the next month.
    await ch.client.command({
      query: `INSERT INTO events (source, message_id, type, event, user_id, anonymous_id, ts, received_at, properties) VALUES
        ('web', 'm1', 'track', 'Viewed', '', 'anon-1', '2026-02-01 00:00:00.003', '2026-02-01 00:00:00.003', '{}')`,
    })
    const r = await ch.client.query({ query: `${BY_KEY.replace('FROM events_by_key', 'FROM events_by_key FINAL')}`, format: 'JSONEachRow' })
    expect(await r.json()).toEqual([
      { key_id: 'anon-1', message_id: 'm1', ts: Date.parse('2026-01-31T23:59:59.998Z') },
      { key_id: 'anon-1', message_id: 'm2', ts: Date.parse('2026-01-15T10:00:00.000Z') },
    ])
  })

  it('keys each event by the id keyIdOf gives, blocklisted and blank ids skipped', async () => {
    const ch = await openClickHouse({ user: 'default', password: '', database: 'by_key_ids', embeddedPath: path.join(tempDir('by-key-ids'), 'clickhouse') })
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
    const r = await ch.client.query({ query: 'SELECT key_id FROM events_by_key FINAL ORDER BY message_id', format: 'JSONEachRow' })
    expect((await r.json<{ key_id: string }>()).map((x) => x.key_id)).toEqual(cases.map(keyIdOf))
  })
})
