// While the processor is behind, a batch keeps filling past --batch-age-ms up to --batch-size or
// --batch-age-behind-ms (pipelines/stream/batch-age.ts): what piles up behind a slow insert is
// stored in a few large inserts, each event once.
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { startPulse, type RunningPulse } from '../pipelines/pulse-app.ts'
import { batchAgeCheck, isBehind, PULL_MESSAGES } from '../pipelines/stream/batch-age.ts'
import { metricValue, segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, testConfig, waitFor } from './helpers/test-pulse.ts'

describe('batchAgeCheck', () => {
  const opts = { batchAgeMs: 250, batchAgeBehindMs: 2000 }
  it('inserts at --batch-age-ms when not behind, and at --batch-age-behind-ms at the latest', () => {
    expect(batchAgeCheck(250, false, opts)).toBe('insert')
    expect(batchAgeCheck(250, true, opts)).toBe(250)
    expect(batchAgeCheck(1900, true, opts)).toBe(100)
    expect(batchAgeCheck(2000, true, opts)).toBe('insert')
  })
  it('counts as behind a stream backlog past one pull, or any batch not yet stored and acked', () => {
    expect(isBehind({ streamPending: PULL_MESSAGES, batchesInFlight: 0 })).toBe(false)
    expect(isBehind({ streamPending: PULL_MESSAGES + 1, batchesInFlight: 0 })).toBe(true)
    expect(isBehind({ streamPending: 0, batchesInFlight: 1 })).toBe(true)
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
