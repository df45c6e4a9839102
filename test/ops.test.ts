// Health, readiness, Prometheus metrics, and a graceful shutdown of `pulse serve` on SIGTERM
// that stores everything it accepted before exiting.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freePort } from '../pipelines/runtime/free-port.ts'
import { startPulse } from '../pipelines/pulse-app.ts'
import { metricValue, segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, READ_KEY, tempDir, testConfig, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'
import pino from 'pino'

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')

describe('operations endpoints', () => {
  it('healthz, readyz and metrics report the running system', async () => {
    const pulse = await startPulse(testConfig('ops'), pino({ level: 'silent' }))
    try {
      expect((await fetch(pulse.url + '/healthz')).status).toBe(200)
      const ready = await fetch(pulse.url + '/readyz')
      expect(ready.status).toBe(200)
      expect(await ready.json()).toEqual({ ready: true, checks: { nats: true, clickhouse: true } })
      expect(await sendBatch(pulse.url, segmentBatch('ops', 0, 40).body)).toBe(200)
      await sendBatch(pulse.url, '{broken')
      await waitFor(() => countEvents(pulse.url), (c) => c.rows >= 40)
      await waitFor(() => metricValue(pulse.url, 'pulse_processor_stored_events_total'), (n) => n >= 40)
      const text = await (await fetch(pulse.url + '/metrics')).text()
      expect(text).toContain('pulse_ingest_accepted_events_total{source="test",format="segment-batch"} 40')
      expect(text).toContain('pulse_ingest_rejected_requests_total{reason="malformed_json"} 1')
      for (const name of ['pulse_ingest_publish_seconds_bucket', 'pulse_processor_insert_seconds_bucket', 'pulse_processor_batch_events_bucket', 'pulse_processor_consumer_lag_messages', 'pulse_processor_dead_letters_total', 'process_resident_memory_bytes']) {
        expect(text, name).toContain(name)
      }
    } finally {
      await pulse.stop()
    }
  })
})

describe('graceful shutdown', () => {
  it('on SIGTERM stops accepting, inserts and acks what it accepted, and exits 0 in bounded time', async () => {
    const dataDir = tempDir('shutdown')
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    // A long batch age: the accepted events are still waiting in the batch when SIGTERM arrives.
    const child = spawn(process.execPath, [cli, 'serve', '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1', '--write-key', WRITE_KEY, '--read-key', READ_KEY, '--batch-age-ms', '60000', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout!.on('data', (d) => (out += d))
    await waitFor(() => fetch(url + '/readyz').then((r) => r.status, () => 0), (s) => s === 200, 60_000)
    expect(out).toContain('Pulse is listening on')
    expect(await sendBatch(url, segmentBatch('down', 0, 100).body)).toBe(200)
    // SIGTERM once the processor holds the request in its (60 s) batch.
    await waitFor(() => metricValue(url, 'pulse_processor_held_messages'), (n) => n >= 1)
    const started = Date.now()
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exit).toBe(0)
    expect(Date.now() - started).toBeLessThan(15_000)

    // Reopen the same folder: the events were stored before the exit (nothing left to redeliver).
    const pulse = await startPulse(testConfig('shutdown-check', { dataDir, processor: false }), pino({ level: 'silent' }))
    try {
      const rows = await waitFor(() => countEvents(pulse.url).catch(() => ({ rows: -1, unique: -1 })), (c) => c.rows >= 0)
      expect(rows).toEqual({ rows: 100, unique: 100 })
    } finally {
      await pulse.stop()
    }
  })
})

describe('backpressure', () => {
  it('answers 429 with Retry-After while the processors are behind, and accepts again once they catch up', async () => {
    const config = testConfig('backlog', { maxBacklog: 3, processor: false })
    let pulse = await startPulse(config, pino({ level: 'silent' }))
    try {
      for (let b = 0; b < 4; b++) expect(await sendBatch(pulse.url, segmentBatch('bp', b, 10).body)).toBe(200)
      // The guard samples the consumer every 500 ms: until it has seen the backlog, requests are still accepted.
      let extra = 0
      const res = await waitFor(
        () => fetch(pulse.url + '/v1/batch', { method: 'POST', headers: { authorization: 'Basic ' + Buffer.from(WRITE_KEY + ':').toString('base64') }, body: segmentBatch('bp', 5 + extra++, 10).body }),
        (r) => r.status !== 200,
        5000,
      )
      expect(res.status).toBe(429)
      expect(res.headers.get('retry-after')).toBe('5')
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('backlog_full')
    } finally {
      await pulse.stop()
    }
    // With a processor running, the backlog drains and the same folder accepts again.
    pulse = await startPulse({ ...config, processor: true }, pino({ level: 'silent' }))
    try {
      await waitFor(() => countEvents(pulse.url), (c) => c.rows >= 40)
      // Accepted again as soon as the guard's next sample sees the drained backlog.
      expect(await waitFor(() => sendBatch(pulse.url, segmentBatch('bp', 100, 10).body), (s) => s === 200, 5000)).toBe(200)
    } finally {
      await pulse.stop()
    }
  })
})
