// Faults injected on purpose: the processor killed between its insert and its ack, and NATS
// stopped and started while requests arrive. After each, every accepted event is there once.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { jetstreamManager } from '@nats-io/jetstream'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { startNatsServer, type EmbeddedNats } from '../pipelines/runtime/embedded-nats.ts'
import { freePort } from '../pipelines/runtime/free-port.ts'
import { connectNats, startPulse } from '../pipelines/pulse-app.ts'
import { segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, READ_KEY, sql, tempDir, testConfig, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')
const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

function serve(dataDir: string, natsUrl: string, port: number, flags: string[] = []): ChildProcess {
  const args = [cli, 'serve', '--data-dir', dataDir, '--nats-url', natsUrl, '--port', String(port), '--host', '127.0.0.1',
    '--write-key', `${WRITE_KEY}:test`, '--read-key', READ_KEY, '--batch-age-ms', '1500', '--ack-wait-ms', '2000', '--log-level', 'warn', ...flags]
  return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] })
}

async function waitReady(url: string): Promise<void> {
  await waitFor(() => fetch(url + '/readyz').then((r) => r.status, () => 0), (s) => s === 200, 60_000)
}

const exited = (child: ChildProcess) => new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)))

describe('the processor killed in the middle of a batch', () => {
  it('redelivers the inserted but unacked batch after a restart, inserts it again, and shows every event once', async () => {
    const nats = await startNatsServer(tempDir('crash-nats'))
    cleanups.push(() => nats.stop())
    const dataDir = tempDir('crash')
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`

    const first = serve(dataDir, nats.url, port, ['--fault-crash-after-insert'])
    const firstExit = exited(first)
    await waitReady(url)
    const ids: string[] = []
    for (let b = 0; b < 8; b++) {
      const batch = segmentBatch('crash', b, 100)
      // All eight land in JetStream well inside one batch age, so one insert holds them all.
      if ((await sendBatch(url, batch.body)) === 200) ids.push(...batch.ids)
    }
    expect(ids).toHaveLength(800)
    expect(await firstExit).toBe('SIGKILL') // killed after the insert, before any ack

    const second = serve(dataDir, nats.url, port)
    const secondExit = exited(second)
    cleanups.push(async () => {
      second.kill('SIGTERM')
      await secondExit
    })
    await waitReady(url)
    const c = await waitFor(() => countEvents(url), (c) => c.rows >= 800, 30_000)
    expect(c).toEqual({ rows: 800, unique: 800 })
    const [{ n }] = await sql<{ n: number }>(url, 'SELECT count() AS n FROM events WHERE message_id IN {ids:Array(String)}', { ids })
    expect(Number(n)).toBe(800)
    // The insert went through but its ack never did: after the consumer's ack wait the eight
    // requests come again, are inserted a second time by this process and acked, and FINAL still
    // shows each event once.
    const metric = async () => {
      const text = await (await fetch(url + '/metrics')).text()
      return Number(/^pulse_processor_stored_events_total (\d+)/m.exec(text)?.[1] ?? 0)
    }
    expect(await waitFor(metric, (n) => n >= 800, 30_000)).toBe(800)
    const nc = await connectNats(nats.url, 'crash-check')
    const consumer = await waitFor(() => jetstreamManager(nc).then((m) => m.consumers.info('EVENTS', 'clickhouse-writer')), (i) => i.num_ack_pending === 0, 30_000)
    await nc.drain()
    expect(consumer.ack_floor.stream_seq).toBe(8)
    expect(await countEvents(url)).toEqual({ rows: 800, unique: 800 })
  })
})

describe('NATS stopped and started while requests arrive', () => {
  it('answers 503 while it is down and loses nothing accepted', async () => {
    const natsDir = tempDir('bounce-nats')
    const natsPort = await freePort()
    let nats: EmbeddedNats = await startNatsServer(natsDir, natsPort)
    const config = testConfig('bounce', { natsUrl: nats.url })
    const pulse = await startPulse(config, pino({ level: 'silent' }))
    cleanups.push(async () => {
      await pulse.stop()
      await nats.stop()
    })
    const accepted: string[] = []
    const statuses: number[] = []
    const sendOne = async (b: number) => {
      const batch = segmentBatch('bounce', b, 50)
      const status = await sendBatch(pulse.url, batch.body)
      statuses.push(status)
      if (status === 200) accepted.push(...batch.ids)
      return status
    }
    for (let b = 0; b < 5; b++) expect(await sendOne(b)).toBe(200)

    await nats.stop()
    let down = 0
    for (let b = 5; b < 15; b++) {
      const status = await sendOne(b)
      if (status === 503) down++
    }
    expect(down).toBeGreaterThan(0)
    expect((await fetch(pulse.url + '/readyz')).status).toBe(503)
    const refused = await fetch(pulse.url + '/v1/batch', { method: 'POST', headers: { authorization: 'Basic ' + Buffer.from(WRITE_KEY + ':').toString('base64') }, body: segmentBatch('bounce', 99, 1).body })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBeTruthy()

    nats = await startNatsServer(natsDir, natsPort)
    await waitReady(pulse.url)
    for (let b = 15; b < 20; b++) expect(await sendOne(b)).toBe(200)

    const c = await waitFor(() => countEvents(pulse.url), (c) => c.rows >= accepted.length, 30_000)
    expect(c.rows).toBe(c.unique)
    const [{ n }] = await sql<{ n: number }>(pulse.url, 'SELECT count() AS n FROM events WHERE message_id IN {ids:Array(String)}', { ids: accepted })
    expect(Number(n)).toBe(accepted.length)
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true)
  })
})
