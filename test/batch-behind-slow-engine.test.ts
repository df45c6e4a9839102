// An engine whose every insert is slow: a batch keeps filling while the insert before it runs and
// goes as soon as that one is done (pipelines/stream/batch-age.ts), so an event waits for about two
// inserts. Batches cut at a fixed age would queue behind the one-at-a-time inserts, and the wait
// would grow for as long as requests keep coming.
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { startPulse, type RunningPulse } from '../pipelines/pulse-app.ts'
import { segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, sql, testConfig, waitFor } from './helpers/test-pulse.ts'

describe('a steady trickle while every insert is slower than --batch-age-behind-ms', () => {
  const defaultFaults = testConfig('batch-behind-slow-defaults').faults
  let pulse: RunningPulse | undefined
  afterAll(async () => {
    await pulse?.stop()
  })

  it('keeps each event\'s wait for its insert bounded, not growing with the length of the trickle', async () => {
    const slowInsertsMs = 600
    const batchAgeMs = 50
    pulse = await startPulse(testConfig('batch-behind-slow', { batchAgeMs, batchAgeBehindMs: 300, faults: { ...defaultFaults, slowInsertsMs } }), pino({ level: 'silent' }))
    const started = Date.now()
    let requests = 0
    while (Date.now() - started < 8000) {
      expect(await sendBatch(pulse.url, segmentBatch('slow', requests, 1).body)).toBe(200)
      requests++
      await new Promise((r) => setTimeout(r, 50)) // the trickle's pace, not a wait before an assertion
    }
    await waitFor(() => countEvents(pulse!.url), (c) => c.unique >= requests, 120_000)
    const [w] = await sql<{ max_wait: number }>(pulse.url, "SELECT max(dateDiff('millisecond', received_at, inserted_at)) AS max_wait FROM events")
    // The batch an event joins waits for the insert already running, then is inserted itself: two
    // inserts' time, one check interval, and a second of slack for a busy machine.
    expect(Number(w.max_wait)).toBeLessThan(2 * slowInsertsMs + batchAgeMs + 1000)
  }, 180_000)
})
