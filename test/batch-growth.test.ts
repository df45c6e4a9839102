// While the processor is behind, a batch keeps filling past --batch-age-ms up to --batch-size or
// --batch-age-behind-ms (pipelines/stream/batch-age.ts): what piles up behind a slow insert is
// stored in a few large inserts, each event once, and no event waits longer than about two inserts.
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { startPulse, type RunningPulse } from '../pipelines/pulse-app.ts'
import { batchAgeCheck, PULL_MESSAGES } from '../pipelines/stream/batch-age.ts'
import { metricValue, segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, sql, testConfig, waitFor } from './helpers/test-pulse.ts'

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
  /** A Pulse whose every event insert takes `slowInsertsMs` longer. */
  const slowPulse = (name: string, slowInsertsMs: number, batchAgeMs: number, batchAgeBehindMs: number): Promise<RunningPulse> =>
    startPulse(testConfig(name, { batchAgeMs, batchAgeBehindMs, faults: { ...defaultFaults, slowInsertsMs } }), pino({ level: 'silent' }))

  it('keep filling past --batch-age-ms, so the requests sent meanwhile go in a few inserts', async () => {
    // Each insert takes 300 ms longer: cut every 20 ms, 200 requests sent one after another
    // would make dozens of batches, each waiting for the insert before it.
    const pulse = await slowPulse('batch-growth', 300, 20, 60_000)
    try {
      const requests = 200
      const started = Date.now()
      for (let n = 0; n < requests; n++) expect(await sendBatch(pulse.url, segmentBatch('grow', n, 5).body)).toBe(200)
      const sendingMs = Date.now() - started
      const counted = await waitFor(() => countEvents(pulse.url), (c) => c.rows >= requests * 5, 60_000)
      expect(counted).toEqual({ rows: requests * 5, unique: requests * 5 })
      // One insert per 300 ms of sending (each batch fills while the one before is inserted), and
      // the last; never one per 20 ms.
      const inserts = await metricValue(pulse.url, 'pulse_processor_batch_events_count')
      expect(inserts).toBeLessThanOrEqual(Math.ceil(sendingMs / 300) + 2)
    } finally {
      await pulse.stop()
    }
  }, 120_000)

  // Batches cut at a fixed age would queue behind the one-at-a-time inserts, and the wait would
  // grow for as long as requests keep coming.
  it('keep each event\'s wait for its insert bounded under a steady trickle, however slow the inserts', async () => {
    const slowInsertsMs = 600
    const batchAgeMs = 50
    const pulse = await slowPulse('batch-behind-slow', slowInsertsMs, batchAgeMs, 300)
    try {
      const started = Date.now()
      let requests = 0
      while (Date.now() - started < 8000) {
        expect(await sendBatch(pulse.url, segmentBatch('slow', requests, 1).body)).toBe(200)
        requests++
        await new Promise((r) => setTimeout(r, 50)) // the trickle's pace, not a wait before an assertion
      }
      await waitFor(() => countEvents(pulse.url), (c) => c.unique >= requests, 120_000)
      const [w] = await sql<{ max_wait: number }>(pulse.url, "SELECT max(dateDiff('millisecond', received_at, inserted_at)) AS max_wait FROM events")
      // The batch an event joins waits for the insert already running, then is inserted itself: two
      // inserts' time, one check interval, and a second of slack for a busy machine.
      expect(Number(w.max_wait)).toBeLessThan(2 * slowInsertsMs + batchAgeMs + 1000)
    } finally {
      await pulse.stop()
    }
  }, 180_000)
})
