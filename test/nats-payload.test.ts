// A request is one NATS message: the embedded nats-server takes every body up to --max-body-bytes,
// a NATS server that takes less answers 413 (SDKs split their batch) rather than a 503 that can
// never succeed, and an embedded nats-server that dies by itself is started again.
import { afterAll, describe, expect, it } from 'vitest'
import net from 'node:net'
import pino from 'pino'
import { startNatsServer, type EmbeddedNats } from '../pipelines/runtime/embedded-nats.ts'
import { startPulse, type RunningPulse } from '../pipelines/pulse-app.ts'
import { segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { basicAuth, countEvents, tempDir, testConfig, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

const stops: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const s of stops.reverse()) await s()
})

/** Whether something listens on the port (the restarted nats-server). */
async function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1')
    sock.once('connect', () => (sock.destroy(), resolve(true)))
    sock.once('error', () => (sock.destroy(), resolve(false)))
  })
}

/** A batch of `size` events with a 200-character property each: about 300 bytes per event. */
function wideBatch(prefix: string, size: number): { body: string; ids: string[] } {
  const b = segmentBatch(prefix, 0, size)
  const parsed = JSON.parse(b.body) as { batch: Array<{ properties: Record<string, unknown> }> }
  for (const e of parsed.batch) e.properties.note = 'x'.repeat(200)
  return { body: JSON.stringify(parsed), ids: b.ids }
}

async function post(pulse: RunningPulse, body: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(pulse.url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) }, body })
  const answer = (await res.json()) as { error?: { code: string } }
  return { status: res.status, code: answer.error?.code }
}

// One data folder for the file: the embedded engine opens one folder per process.
const dataDir = tempDir('payload')
const big = wideBatch('payload-big', 4500)

describe('request size, the NATS message limit and the embedded nats-server', () => {
  let pulse: RunningPulse

  it('stores a 1.4 MB request on the embedded nats-server', async () => {
    pulse = await startPulse(testConfig('payload', { dataDir }), pino({ level: 'silent' }))
    expect(big.body.length).toBeGreaterThan(1_300_000)
    expect(await post(pulse, big.body)).toEqual({ status: 200, code: undefined })
    expect(await waitFor(() => countEvents(pulse.url), (c) => c.rows >= 4500)).toEqual({ rows: 4500, unique: 4500 })
  })

  it('starts the embedded nats-server again when it dies by itself, and keeps what it had accepted', async () => {
    const before = segmentBatch('restart-before', 0, 50)
    expect(await sendBatch(pulse.url, before.body)).toBe(200)
    const nats = pulse.embeddedNats!
    const pid = nats.process.pid!
    process.kill(pid, 'SIGKILL')
    const after = segmentBatch('restart-after', 0, 50)
    expect(await waitFor(() => sendBatch(pulse.url, after.body), (s) => s === 200, 20_000)).toBe(200)
    expect(nats.process.pid).not.toBe(pid)
    expect(await waitFor(() => countEvents(pulse.url), (c) => c.rows >= 4600)).toEqual({ rows: 4600, unique: 4600 })

    // Killed five more times within the minute: it is started again each time, with no give-up.
    for (let kill = 0; kill < 5; kill++) {
      const before = nats.process.pid!
      process.kill(before, 'SIGKILL')
      await waitFor(async () => nats.process.pid !== before && (await portTaken(nats.port)), (up) => up, 30_000)
    }
    const later = segmentBatch('restart-later', 0, 50)
    expect(await waitFor(() => sendBatch(pulse.url, later.body), (s) => s === 200, 30_000)).toBe(200)
    expect(await waitFor(() => countEvents(pulse.url), (c) => c.rows >= 4650)).toEqual({ rows: 4650, unique: 4650 })
    await pulse.stop()
  })

  it('answers 413, not a 503 that could never succeed, where the NATS server takes only 1 MiB', async () => {
    const small: EmbeddedNats = await startNatsServer(tempDir('payload-nats'), undefined, { maxPayload: 1024 * 1024 })
    stops.push(() => small.stop())
    const ingestOnly = await startPulse(testConfig('payload', { dataDir, natsUrl: small.url, processor: false }), pino({ level: 'silent' }))
    stops.unshift(() => ingestOnly.stop())
    expect(await post(ingestOnly, big.body)).toEqual({ status: 413, code: 'payload_too_large' })
    expect(await post(ingestOnly, wideBatch('payload-fits', 2000).body)).toEqual({ status: 200, code: undefined })
  })
})
