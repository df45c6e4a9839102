// One visible row per (source, message_id) after SDK retries, failed inserts (JetStream
// redeliveries) and a full replay of the stream.
import { afterEach, describe, expect, it } from 'vitest'
import { replayFromStart } from '../pipelines/stream/jetstream-setup.ts'
import { connectNats, startPulse, type RunningPulse } from '../pipelines/pulse-app.ts'
import { startNatsServer, type EmbeddedNats } from '../pipelines/runtime/embedded-nats.ts'
import { metricValue, segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, sql, tempDir, testConfig, waitFor } from './helpers/test-pulse.ts'
import pino from 'pino'

// The embedded engine opens one data folder per process: each test stops its Pulse before the next starts.
const running: Array<{ stop(): Promise<void> }> = []
afterEach(async () => {
  for (const r of running.reverse()) await r.stop()
  running.length = 0
})

async function start(overrides: Parameters<typeof testConfig>[1], name: string): Promise<RunningPulse> {
  const config = testConfig(name, overrides)
  const p = await startPulse(config, pino({ level: config.logLevel }))
  running.push(p)
  return p
}

describe('SDK retries', () => {
  it('an identical retried request and a re-sent batch with a new sentAt are each stored once', async () => {
    const pulse = await start({}, 'retry')
    const first = segmentBatch('retry', 0, 50)
    expect(await sendBatch(pulse.url, first.body)).toBe(200)
    expect(await sendBatch(pulse.url, first.body)).toBe(200) // byte-identical retry (JetStream dedup)
    const resent = JSON.parse(first.body)
    resent.sentAt = new Date(Date.now() + 5000).toISOString() // Segment's retry re-stamps sentAt
    expect(await sendBatch(pulse.url, JSON.stringify(resent))).toBe(200)
    // The processor did see the re-sent copy: three messages, two of them distinct in the stream.
    expect(await waitFor(() => metricValue(pulse.url, 'pulse_processor_stored_events_total'), (n) => n >= 100)).toBe(100)
    expect(await countEvents(pulse.url)).toEqual({ rows: 50, unique: 50 })
  })
})

describe('ClickHouse inserts failing', () => {
  it('retries with backoff, never acks a failed batch, and stores every event once when inserts recover', async () => {
    const pulse = await start({ faults: { ...testConfig('insertfail-defaults').faults, failInserts: 3 } }, 'insertfail')
    const ids: string[] = []
    for (let b = 0; b < 5; b++) {
      const batch = segmentBatch('fail', b, 100)
      ids.push(...batch.ids)
      expect(await sendBatch(pulse.url, batch.body)).toBe(200)
    }
    const c = await waitFor(() => countEvents(pulse.url), (c) => c.rows >= 500, 30_000)
    expect(c).toEqual({ rows: 500, unique: 500 })
    expect(await metricValue(pulse.url, 'pulse_processor_insert_failures_total')).toBe(3)
    const [{ n }] = await sql<{ n: number }>(pulse.url, 'SELECT count() AS n FROM events WHERE message_id IN {ids:Array(String)}', { ids })
    expect(Number(n)).toBe(500)
  })
})

describe('a full replay of the stream', () => {
  let nats: EmbeddedNats
  it('reprocesses every message and changes no query result', async () => {
    const natsDir = tempDir('replay-nats')
    nats = await startNatsServer(natsDir)
    const config = testConfig('replay', { natsUrl: nats.url })
    let pulse = await startPulse(config, pino({ level: 'silent' }))
    for (let b = 0; b < 4; b++) expect(await sendBatch(pulse.url, segmentBatch('replay', b, 250).body)).toBe(200)
    await waitFor(() => countEvents(pulse.url), (c) => c.rows >= 1000)
    const before = await sql(pulse.url, 'SELECT event, count() AS n, uniqExact(user_id) AS users FROM events GROUP BY event')
    await pulse.stop()

    const nc = await connectNats(nats.url, 'test-replay')
    await replayFromStart(nc, config.stream, config.consumer)
    await nc.drain()

    running.push(nats)
    pulse = await startPulse(config, pino({ level: 'silent' }))
    running.push(pulse)
    await waitFor(() => metricValue(pulse.url, 'pulse_processor_stored_events_total'), (n) => n >= 1000)
    expect(await metricValue(pulse.url, 'pulse_processor_stored_events_total')).toBe(1000)
    expect(await countEvents(pulse.url)).toEqual({ rows: 1000, unique: 1000 })
    expect(await sql(pulse.url, 'SELECT event, count() AS n, uniqExact(user_id) AS users FROM events GROUP BY event')).toEqual(before)
  })
})
