// The stream refuses rather than discards: ingest answers 429 when the unprocessed bytes pass
// --max-backlog-bytes, or when the stream itself is full; nothing accepted is dropped, and once
// the processors catch up the trimmer purges processed requests so ingest accepts again.
import { jetstreamManager } from '@nats-io/jetstream'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { startNatsServer, type EmbeddedNats } from '../pipelines/runtime/embedded-nats.ts'
import { startPulse, type RunningPulse } from '../pipelines/pulse-app.ts'
import { metricValue, segmentBatch } from './helpers/event-batches.ts'
import { basicAuth, countEvents, sql, tempDir, testConfig, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

const servers: EmbeddedNats[] = []
afterAll(async () => {
  for (const s of servers) await s.stop()
})

/** A nats-server per test: streams on one server may not share subjects. */
async function natsServer(name: string): Promise<string> {
  const s = await startNatsServer(tempDir(name))
  servers.push(s)
  return s.url
}

// One data folder for the file: the embedded engine opens one folder per process.
const base = testConfig('limits', { processor: false, maxBacklog: 1_000_000_000 })

async function post(pulse: RunningPulse, prefix: string, b: number): Promise<{ status: number; code?: string; retryAfter: string | null; ids: string[] }> {
  const batch = segmentBatch(prefix, b, 10)
  const res = await fetch(pulse.url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) }, body: batch.body })
  const body = (await res.json()) as { error?: { code: string } }
  return { status: res.status, code: body.error?.code, retryAfter: res.headers.get('retry-after'), ids: batch.ids }
}

async function streamState(pulse: RunningPulse, stream: string) {
  return (await (await jetstreamManager(pulse.nc)).streams.info(stream)).state
}

describe('--max-backlog-bytes', () => {
  it('answers 429 once the unprocessed requests pass the byte limit', async () => {
    const pulse = await startPulse({ ...base, natsUrl: await natsServer('limits-guard-nats'), maxBacklogBytes: 8000 }, pino({ level: 'silent' }))
    try {
      let refused: Awaited<ReturnType<typeof post>> | undefined
      let accepted = 0
      for (let b = 0; b < 60 && !refused; b++) {
        const r = await post(pulse, 'guard', b)
        if (r.status === 200) accepted++
        else refused = r
        await new Promise((r) => setTimeout(r, 100)) // the guard samples every 500 ms
      }
      expect(refused).toMatchObject({ status: 429, code: 'backlog_full', retryAfter: '5' })
      expect(await metricValue(pulse.url, 'pulse_stream_unprocessed_bytes')).toBeGreaterThan(8000)
      expect((await streamState(pulse, base.stream)).messages).toBe(accepted)
    } finally {
      await pulse.stop()
    }
  })
})

describe('a full stream', () => {
  it('refuses new requests (429) without discarding any, and accepts again once processed requests are trimmed', async () => {
    const settings = { ...base, natsUrl: await natsServer('limits-full-nats'), maxStreamBytes: 48 * 1024, maxBacklogBytes: 1_000_000_000 }
    let pulse = await startPulse(settings, pino({ level: 'silent' }))
    const accepted: string[] = []
    let batches = 0
    try {
      let refused: Awaited<ReturnType<typeof post>> | undefined
      for (let b = 0; b < 200 && !refused; b++) {
        const r = await post(pulse, 'full', b)
        if (r.status === 200) {
          accepted.push(...r.ids)
          batches++
        } else refused = r
      }
      expect(refused).toMatchObject({ status: 429, code: 'stream_full', retryAfter: '5' })
      // Every accepted request is still there, from the first one on.
      expect(await streamState(pulse, base.stream)).toMatchObject({ messages: batches, first_seq: 1 })
      expect((await post(pulse, 'full', 500)).status).toBe(429)
    } finally {
      await pulse.stop()
    }

    pulse = await startPulse({ ...settings, processor: true, batchAgeMs: 50 }, pino({ level: 'silent' }))
    try {
      expect(await waitFor(() => countEvents(pulse.url), (c) => c.rows >= accepted.length, 30_000)).toEqual({ rows: accepted.length, unique: accepted.length })
      // Ingest resumes once the trimmer has made room (bounded: each try waits for the next sample).
      let again: Awaited<ReturnType<typeof post>> | undefined
      for (let b = 1000; b < 1060 && again?.status !== 200; b++) {
        again = await post(pulse, 'full', b)
        if (again.status !== 200) await new Promise((r) => setTimeout(r, 250))
      }
      expect(again?.status).toBe(200)
      accepted.push(...again!.ids)
      expect((await streamState(pulse, base.stream)).first_seq).toBeGreaterThan(1)
      expect(await waitFor(() => metricValue(pulse.url, 'pulse_stream_replay_window_messages'), (n) => n > 0, 5000)).toBeGreaterThan(0)
      const stored = await waitFor(
        () => sql<{ n: number }>(pulse.url, 'SELECT count() AS n FROM events WHERE message_id IN {ids:Array(String)}', { ids: accepted }).then(([r]) => Number(r.n)),
        (n) => n >= accepted.length,
        10_000,
      )
      expect(stored).toBe(accepted.length)
    } finally {
      await pulse.stop()
    }
  })
})
