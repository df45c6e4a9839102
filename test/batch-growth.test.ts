// While the processor is behind, a batch keeps filling past --batch-age-ms up to --batch-size or
// --batch-age-behind-ms (pipelines/stream/batch-age.ts): what piles up behind a slow insert is
// stored in a few large inserts, each event once.
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { startPulse, type RunningPulse } from '../pipelines/pulse-app.ts'
import { batchAgeCheck, PULL_MESSAGES } from '../pipelines/stream/batch-age.ts'
import { metricValue, segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, testConfig, waitFor } from './helpers/test-pulse.ts'

describe('batchAgeCheck', () => {
  const opts = { batchAgeMs: 250, batchAgeBehindMs: 2000 }
  const idle = { streamPending: 0, insertsInFlight: 0 }
  it('inserts at --batch-age-ms when nothing is in flight and no backlog waits', () => {
    expect(batchAgeCheck(250, idle, opts)).toBe('insert')
    expect(batchAgeCheck(250, { ...idle, streamPending: PULL_MESSAGES }, opts)).toBe('insert')
  })
  it('keeps filling while an insert is in flight, however long that takes', () => {
    expect(batchAgeCheck(250, { ...idle, insertsInFlight: 1 }, opts)).toBe(250)
    expect(batchAgeCheck(60_000, { ...idle, insertsInFlight: 1 }, opts)).toBe(250)
  })
  it('keeps filling up to --batch-age-behind-ms while a backlog past one pull waits in the stream', () => {
    const backlog = { ...idle, streamPending: PULL_MESSAGES + 1 }
    expect(batchAgeCheck(250, backlog, opts)).toBe(250)
    expect(batchAgeCheck(1900, backlog, opts)).toBe(100)
    expect(batchAgeCheck(2000, backlog, opts)).toBe('insert')
  })
})

describe('batches while an earlier batch is being inserted', () => {
  const defaultFaults = testConfig('batch-growth-defaults').faults
  let pulse: RunningPulse | undefined
  afterAll(async () => {
    await pulse?.stop()
  })

  it('keep filling past --batch-age-ms, so the requests sent meanwhile go in a few inserts', async () => {
    // Each insert takes 300 ms longer: cut every 20 ms, 200 requests sent one after another
    // would make dozens of batches, each waiting for the insert before it.
    pulse = await startPulse(testConfig('batch-growth', { batchAgeMs: 20, batchAgeBehindMs: 60_000, faults: { ...defaultFaults, slowInsertsMs: 300 } }), pino({ level: 'silent' }))
    const requests = 200
    const started = Date.now()
    for (let n = 0; n < requests; n++) expect(await sendBatch(pulse.url, segmentBatch('grow', n, 5).body)).toBe(200)
    const sendingMs = Date.now() - started
    const counted = await waitFor(() => countEvents(pulse!.url), (c) => c.rows >= requests * 5, 60_000)
    expect(counted).toEqual({ rows: requests * 5, unique: requests * 5 })
    // One insert per 300 ms of sending (each batch fills while the one before is inserted), and
    // the last; never one per 20 ms.
    const inserts = await metricValue(pulse.url, 'pulse_processor_batch_events_count')
    expect(inserts).toBeLessThanOrEqual(Math.ceil(sendingMs / 300) + 2)
  }, 120_000)
})
