// Starts a real Pulse for one test file: its own data folder, its own nats-server (embedded or
// given), the in-process ClickHouse engine. Queries go through the product's own /api/sql.
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { configFor, type PulseConfig } from '../../pipelines/config.ts'
import { startPulse, type RunningPulse, type StartOptions } from '../../pipelines/pulse-app.ts'

export const WRITE_KEY = 'wk_test'
export const READ_KEY = 'rk_test'
export const ADMIN_KEY = 'ak_test'

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `pulse-${prefix}-`))
}

export function testConfig(name: string, overrides: Partial<PulseConfig> = {}): PulseConfig {
  return configFor({
    port: 0,
    host: '127.0.0.1',
    dataDir: tempDir(name),
    writeKeys: [{ key: WRITE_KEY, source: 'test' }],
    readKeys: [READ_KEY],
    adminKeys: [ADMIN_KEY],
    batchAgeMs: 50,
    logLevel: process.env.PULSE_TEST_LOG ?? 'silent',
    // Generous: a busy machine (two test files at once) can slow the final flush; a hang still ends.
    shutdownTimeoutMs: 30_000,
    ...overrides,
  })
}

export async function startTestPulse(name: string, overrides: Partial<PulseConfig> = {}, options: StartOptions = {}): Promise<RunningPulse> {
  const config = testConfig(name, overrides)
  return startPulse(config, pino({ level: config.logLevel }), options)
}

export async function sql<T = Record<string, unknown>>(baseUrl: string, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const res = await fetch(baseUrl + '/api/sql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` },
    body: JSON.stringify({ query, params }),
  })
  const body = (await res.json()) as { rows: T[]; error?: { message: string } }
  if (!res.ok) throw new Error(`query failed (${res.status}): ${body.error?.message}`)
  return body.rows
}

/** Polls until `check` returns true or the time is up; returns the last value seen. */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let value = await read()
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    value = await read()
  }
  return value
}

export async function countEvents(baseUrl: string): Promise<{ rows: number; unique: number }> {
  const [r] = await sql<{ rows: number; unique: number }>(baseUrl, 'SELECT count() AS rows, uniqExact(source, message_id) AS unique FROM events')
  return { rows: Number(r.rows), unique: Number(r.unique) }
}

/**
 * Row count without FINAL: proves a duplicate was never even inserted (or was merged away). The
 * query API always reads with FINAL, so this asks the engine through Pulse's own writing session.
 */
export async function rawEventRows(pulse: RunningPulse): Promise<number> {
  const result = await pulse.clickhouse.client.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' })
  const [r] = await result.json<{ n: string }>()
  return Number(r.n)
}

export function basicAuth(key: string): string {
  return 'Basic ' + Buffer.from(key + ':').toString('base64')
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
}

/** Until every message the stream holds is processed and acked (stored, profiled, counted). */
export async function untilProcessed(pulse: RunningPulse, timeoutMs = 30_000): Promise<void> {
  const { jetstreamManager } = await import('@nats-io/jetstream')
  const jsm = await jetstreamManager(pulse.nc)
  await waitFor(
    () => jsm.consumers.info(pulse.config.stream, pulse.config.consumer),
    (info) => info.num_pending === 0 && info.num_ack_pending === 0,
    timeoutMs,
  )
}
