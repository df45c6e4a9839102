// The events stream's durable consumer, or the whole stream, deleted while Pulse runs (by hand, or a
// NATS server that lost its store): the processor notices the lost pull, creates them again as at
// start, and stores what is accepted afterwards, instead of waiting for a consumer that never comes.
import { jetstreamManager } from '@nats-io/jetstream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, startTestPulse, waitFor } from './helpers/test-pulse.ts'

let pulse: RunningPulse

beforeAll(async () => {
  pulse = await startTestPulse('consumer-recreated', { stream: 'RECREATED_EVENTS', consumer: 'recreated-writer', batchAgeMs: 100 })
})
afterAll(async () => {
  await pulse?.stop()
})

/** Sends batches until one is accepted (a deleted stream answers 503 until it is back); returns its ids. */
async function sendUntilAccepted(prefix: string, n: number): Promise<string[]> {
  const batch = segmentBatch(prefix, n, 10)
  await waitFor(() => sendBatch(pulse.url, batch.body), (status) => status === 200, 30_000)
  return batch.ids
}

describe('a deleted consumer or stream', () => {
  it('is created again and what is accepted afterwards is stored', async () => {
    const jsm = await jetstreamManager(pulse.nc)
    let total = 0
    for (const [step, remove] of [
      ['consumer', () => jsm.consumers.delete('RECREATED_EVENTS', 'recreated-writer')],
      ['stream', () => jsm.streams.delete('RECREATED_EVENTS')],
    ] as const) {
      await sendUntilAccepted(`before-${step}`, 1)
      total += 10
      await waitFor(() => countEvents(pulse.url), (c) => c.rows >= total, 30_000)
      await remove()
      await sendUntilAccepted(`after-${step}`, 2)
      total += 10
      const c = await waitFor(() => countEvents(pulse.url), (x) => x.rows >= total, 30_000)
      expect(c, `after the ${step} was deleted`).toEqual({ rows: total, unique: total })
    }
    expect((await jsm.consumers.info('RECREATED_EVENTS', 'recreated-writer')).name).toBe('recreated-writer')
  })
})
