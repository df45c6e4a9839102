// A bad event or request never takes its batch down with it: rows the engine refuses and
// requests that break processing are dead-lettered alone while the rest of the batch is stored,
// an engine outage is waited out without counting toward --max-deliver, and `pulse dead-letters
// replay` brings dead letters back, once, after the cause is removed.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { jetstreamManager } from '@nats-io/jetstream'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import type { PulseConfig } from '../pipelines/config.ts'
import { startPulse, type RunningPulse } from '../pipelines/pulse-app.ts'
import { metricValue, segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { READ_KEY, sql, testConfig, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

const run = promisify(execFile)
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')

// The embedded engine opens one data folder per process: each test stops its Pulse before the next starts.
const running: RunningPulse[] = []
afterEach(async () => {
  for (const p of running.reverse()) await p.stop()
  running.length = 0
})

async function start(config: PulseConfig): Promise<RunningPulse> {
  const p = await startPulse(config, pino({ level: config.logLevel }))
  running.push(p)
  return p
}

/** Several requests in one batch: a long batch age, --max-deliver 2 (on main, two failed inserts dead-letter everything). */
const oneBatch = (name: string, overrides: Partial<PulseConfig> = {}) => testConfig(name, { batchAgeMs: 1500, maxDeliver: 2, ...overrides })

/** A Segment batch of `size` events, `change` applied to some of them. */
function batchWith(prefix: string, size: number, change: (event: Record<string, unknown>, i: number) => void = () => {}): { body: string; ids: string[] } {
  const { body } = segmentBatch(prefix, 0, size)
  const parsed = JSON.parse(body) as { batch: Array<Record<string, unknown>> }
  parsed.batch.forEach(change)
  return { body: JSON.stringify(parsed), ids: parsed.batch.map((e) => String(e.messageId)) }
}

async function storedCount(url: string, ids: string[]): Promise<number> {
  const [{ n }] = await sql<{ n: number }>(url, 'SELECT count() AS n FROM events WHERE message_id IN {ids:Array(String)}', { ids })
  return Number(n)
}

interface Letter {
  reason: string
  detail: string
  message_id: string
  raw: string
  position: number
  stream_seq: number
}

async function lettersWhere(url: string, condition: string, params: Record<string, unknown> = {}): Promise<Letter[]> {
  return sql<Letter>(url, `SELECT reason, detail, message_id, raw, position, stream_seq FROM dead_letters WHERE ${condition} ORDER BY stream_seq, position`, params)
}

describe('an event with a timestamp the engine cannot store, among valid events of several requests', () => {
  it('stores the valid ones promptly and sets aside only the bad one, with the reason', async () => {
    const pulse = await start(oneBatch('poison-time'))
    const a = batchWith('time-a', 20)
    const b = batchWith('time-b', 20, (e, i) => {
      if (i === 7) e.timestamp = '2999-01-01T00:00:00Z'
    })
    const c = batchWith('time-c', 20)
    for (const r of [a, b, c]) expect(await sendBatch(pulse.url, r.body)).toBe(200)
    const bad = b.ids[7]
    const valid = [...a.ids, ...b.ids, ...c.ids].filter((id) => id !== bad)

    expect(await waitFor(() => storedCount(pulse.url, valid), (n) => n >= valid.length, 15_000)).toBe(valid.length)
    const [letter] = await waitFor(() => lettersWhere(pulse.url, 'message_id = {id:String}', { id: bad }), (l) => l.length > 0)
    // Refused by the engine, or caught earlier by validation: either way alone, with its reason.
    expect(['refused_by_engine', 'invalid_timestamp']).toContain(letter.reason)
    expect(letter.detail.length).toBeGreaterThan(20)
    expect(letter.position).toBe(7)
    expect(JSON.parse(letter.raw)).toMatchObject({ messageId: bad, timestamp: '2999-01-01T00:00:00Z' })
    expect(await storedCount(pulse.url, [bad])).toBe(0)
    // Every message acked: nothing left to redeliver, nothing set aside whole.
    expect(await waitFor(() => metricValue(pulse.url, 'pulse_processor_held_messages'), (n) => n === 0)).toBe(0)
    expect(await lettersWhere(pulse.url, "reason = 'max_deliveries'")).toEqual([])
  })
})

describe('rows the engine refuses (--fault-refuse-rows-matching), then a replay once the cause is gone', () => {
  it('dead-letters exactly those rows with the engine error, stores the rest, and replays them once', async () => {
    const config = oneBatch('poison-split', { faults: { ...testConfig('poison-split-defaults').faults, refuseRowsMatching: 'refuse-' } })
    let pulse = await start(config)
    const requests = [
      batchWith('split-a', 25),
      batchWith('split-b', 25, (e, i) => {
        if (i === 3) e.messageId = 'refuse-1'
      }),
      batchWith('split-c', 25),
      batchWith('split-d', 25, (e, i) => {
        if (i === 20) e.messageId = 'refuse-2'
      }),
    ]
    for (const r of requests) expect(await sendBatch(pulse.url, r.body)).toBe(200)
    const all = requests.flatMap((r) => r.ids)
    const valid = all.filter((id) => !id.startsWith('refuse-'))

    expect(await waitFor(() => storedCount(pulse.url, valid), (n) => n >= valid.length, 20_000)).toBe(valid.length)
    const letters = await waitFor(() => lettersWhere(pulse.url, "reason = 'refused_by_engine'"), (l) => l.length >= 2)
    expect(letters.map((l) => [l.message_id, l.position])).toEqual([['refuse-1', 3], ['refuse-2', 20]])
    for (const l of letters) {
      expect(l.detail).toContain('CANNOT_PARSE_INPUT_ASSERTION_FAILED')
      expect(JSON.parse(l.raw).messageId).toBe(l.message_id)
    }
    expect(await storedCount(pulse.url, ['refuse-1', 'refuse-2'])).toBe(0)
    expect(await waitFor(() => metricValue(pulse.url, 'pulse_processor_held_messages'), (n) => n === 0)).toBe(0)
    expect(await lettersWhere(pulse.url, "reason = 'max_deliveries'")).toEqual([])

    // The cause removed: the same folder served without the fault.
    await pulse.stop()
    running.length = 0
    pulse = await start({ ...config, faults: testConfig('poison-split-fixed').faults })
    const replay = (...extra: string[]) =>
      run(process.execPath, [cli, 'dead-letters', 'replay', '--url', pulse.url, '--write-key', `${WRITE_KEY}:test`, '--read-key', READ_KEY, '--data-dir', config.dataDir, '--reason', 'refused_by_engine', ...extra])

    const dry = await replay('--dry-run')
    expect(dry.stdout).toContain('2 dead letters matched; would re-submit 2 (2 events)')
    const first = await replay()
    expect(first.stdout).toContain('2 dead letters matched; re-submitted 2 (2 events)')
    expect(await waitFor(() => storedCount(pulse.url, ['refuse-1', 'refuse-2']), (n) => n >= 2)).toBe(2)
    const again = await replay()
    expect(again.stdout).toContain('re-submitted 0 (0 events)')
    expect(again.stdout).toContain('2 skipped: their event is stored by now')
    const [{ rows, unique }] = await sql<{ rows: number; unique: number }>(pulse.url, 'SELECT count() AS rows, uniqExact(message_id) AS unique FROM events')
    expect([Number(rows), Number(unique)]).toEqual([all.length, all.length])
  })
})

describe('a request that makes processing throw', () => {
  it('is dead-lettered alone (processing_failed) and the other requests of its batch are stored', async () => {
    const pulse = await start(oneBatch('poison-throw', { faults: { ...testConfig('poison-throw-defaults').faults, failProcessingMatching: 'trap-text' } }))
    const a = batchWith('throw-a', 20)
    const deep = `{"batch":[{"type":"track","messageId":"throw-1","userId":"u","event":"Throws","properties":{"note":"trap-text"}}]}`
    const c = batchWith('throw-c', 20)
    expect(await sendBatch(pulse.url, a.body)).toBe(200)
    expect(await sendBatch(pulse.url, deep)).toBe(200)
    expect(await sendBatch(pulse.url, c.body)).toBe(200)

    const valid = [...a.ids, ...c.ids]
    expect(await waitFor(() => storedCount(pulse.url, valid), (n) => n >= valid.length, 15_000)).toBe(valid.length)
    const [letter] = await waitFor(() => lettersWhere(pulse.url, "reason = 'processing_failed'"), (l) => l.length > 0)
    expect(letter.detail).toContain('injected fault')
    expect(letter.raw).toBe(deep)
    expect(await waitFor(() => metricValue(pulse.url, 'pulse_processor_held_messages'), (n) => n === 0)).toBe(0)
    expect(await lettersWhere(pulse.url, "reason = 'max_deliveries'")).toEqual([])
  })
})

describe('an engine outage longer than --max-deliver redeliveries would last', () => {
  it('holds the batches, reports the wait, and stores everything once the engine is back, dead-lettering nothing', async () => {
    // One delivery allowed and a 1.5 s ack wait: a 4 s outage must neither nak nor let the ack wait run out.
    const pulse = await start(testConfig('poison-outage', { maxDeliver: 1, ackWaitMs: 1500, faults: { ...testConfig('poison-outage-defaults').faults, engineOutageMs: 4000 } }))
    const requests = [batchWith('outage-a', 30), batchWith('outage-b', 30), batchWith('outage-c', 30)]
    for (const r of requests) expect(await sendBatch(pulse.url, r.body)).toBe(200)
    expect(await waitFor(() => metricValue(pulse.url, 'pulse_processor_waiting_for_engine'), (n) => n === 1)).toBe(1)
    // Accepted during the outage (the processor pulls no more meanwhile), stored once it is over.
    const during = batchWith('outage-d', 30)
    expect(await sendBatch(pulse.url, during.body)).toBe(200)
    requests.push(during)

    const ids = requests.flatMap((r) => r.ids)
    expect(await waitFor(() => storedCount(pulse.url, ids), (n) => n >= ids.length, 30_000)).toBe(ids.length)
    expect(await metricValue(pulse.url, 'pulse_processor_waiting_for_engine')).toBe(0)
    expect(await metricValue(pulse.url, 'pulse_processor_insert_failures_total')).toBeGreaterThan(2)
    expect(await waitFor(() => metricValue(pulse.url, 'pulse_processor_held_messages'), (n) => n === 0)).toBe(0)
    expect(await lettersWhere(pulse.url, '1 = 1')).toEqual([])
  })
})

describe('stopping during an engine outage', () => {
  it('stops promptly, acking nothing and dead-lettering nothing: every held message stays in the stream', async () => {
    const config = testConfig('poison-outage-stop', { maxDeliver: 2, faults: { ...testConfig('poison-outage-stop-defaults').faults, engineOutageMs: 600_000 } })
    let pulse = await start(config)
    const requests = [batchWith('stop-a', 30), batchWith('stop-b', 30)]
    for (const r of requests) expect(await sendBatch(pulse.url, r.body)).toBe(200)
    expect(await waitFor(() => metricValue(pulse.url, 'pulse_processor_waiting_for_engine'), (n) => n === 1)).toBe(1)
    const stopping = Date.now()
    await pulse.stop()
    running.length = 0
    expect(Date.now() - stopping).toBeLessThan(config.shutdownTimeoutMs)

    // The same folder, ingest and query only: the two requests wait in the stream for a processor.
    pulse = await start({ ...config, processor: false, faults: testConfig('poison-outage-stop-fixed').faults })
    const info = await (await jetstreamManager(pulse.nc)).consumers.info(config.stream, config.consumer)
    expect(info.num_ack_pending + info.num_pending).toBe(2)
    expect(await storedCount(pulse.url, requests.flatMap((r) => r.ids))).toBe(0)
    expect(await lettersWhere(pulse.url, '1 = 1')).toEqual([])
  })
})
