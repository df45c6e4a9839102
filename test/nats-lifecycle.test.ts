// The embedded nats-server lives and dies with its Pulse: it goes when Pulse is killed (even by
// SIGKILL), one left behind on the data folder is stopped by the next Pulse before it starts its
// own, and a shutdown with a stuck step still ends the process and the server.
import { execFile, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../pipelines/runtime/free-port.ts'
import { segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { isRunning, natsServersServing } from './helpers/proc-scan.ts'
import { servePulse, stopPulse, waitReady, type PulseProcess } from './helpers/pulse-process.ts'
import { countEvents, tempDir, waitFor } from './helpers/test-pulse.ts'

const started: PulseProcess[] = []
const strays: number[] = []
afterAll(async () => {
  for (const p of started) await stopPulse(p)
  for (const pid of strays) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
})

async function serve(dataDir: string, args: string[] = [], env: Record<string, string> = {}): Promise<PulseProcess> {
  const p = servePulse(dataDir, await freePort(), args, env)
  started.push(p)
  await waitReady(p)
  return p
}

const serversGone = (store: string) => waitFor(async () => natsServersServing(store), (pids) => pids.length === 0, 5000)

describe('pulse serve killed with SIGKILL', () => {
  it('takes its nats-server along, and the next pulse serve stores every event the killed one accepted', async () => {
    const dataDir = tempDir('life-kill')
    const store = path.join(dataDir, 'nats')
    // A long batch age: the accepted events are still waiting for their insert at the kill.
    const first = await serve(dataDir, ['--batch-age-ms', '5000'])
    const ids: string[] = []
    for (let b = 0; b < 5; b++) {
      const batch = segmentBatch('kill', b, 20)
      expect(await sendBatch(first.url, batch.body)).toBe(200)
      ids.push(...batch.ids)
    }
    expect(natsServersServing(store)).toHaveLength(1)
    first.child.kill('SIGKILL')
    await first.exit
    expect(await serversGone(store)).toEqual([])

    const second = await serve(dataDir, ['--batch-age-ms', '100', '--ack-wait-ms', '3000'])
    expect(natsServersServing(store)).toHaveLength(1)
    expect(await waitFor(() => countEvents(second.url), (c) => c.rows >= ids.length, 30_000)).toEqual({ rows: ids.length, unique: ids.length })
  })
})

describe('a nats-server left running on the data folder', () => {
  it('is stopped by the next pulse serve before it starts its own', async () => {
    const dataDir = tempDir('life-stale')
    const store = path.join(dataDir, 'nats')
    mkdirSync(store)
    const stale = spawn('/usr/sbin/nats-server', ['-js', '-a', '127.0.0.1', '-p', String(await freePort()), '-sd', store], { stdio: 'ignore' })
    strays.push(stale.pid!)
    await waitFor(async () => natsServersServing(store), (pids) => pids.includes(stale.pid!), 5000)
    writeFileSync(path.join(store, 'nats-server.pid'), `${stale.pid}\n`)

    const pulse = await serve(dataDir)
    expect(isRunning(stale.pid!)).toBe(false)
    const [own, ...others] = natsServersServing(store)
    expect(others).toEqual([])
    expect(own).not.toBe(stale.pid)
    await stopPulse(pulse)
    expect(await serversGone(store)).toEqual([])
  })
})

describe('a second pulse serve on a data folder a live Pulse serves', () => {
  it('refuses to start, and leaves the running one and its nats-server alone', async () => {
    const dataDir = tempDir('life-twice')
    const store = path.join(dataDir, 'nats')
    const running = await serve(dataDir)
    const [nats] = natsServersServing(store)
    const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')
    const second = await promisify(execFile)(process.execPath, [cli, 'serve', '--data-dir', dataDir, '--port', String(await freePort()), '--host', '127.0.0.1'], { timeout: 60_000 }).catch((e) => e)
    expect(second.code).toBe(1)
    expect(second.stderr).toContain('is already serving')
    expect(natsServersServing(store)).toEqual([nats])
    expect((await fetch(running.url + '/readyz')).status).toBe(200)
  })
})

describe('two pulse serve started at the same moment on one data folder', () => {
  it('one serves, the other refuses in one line', async () => {
    const dataDir = tempDir('life-race')
    const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')
    const start = async () =>
      promisify(execFile)(process.execPath, [cli, 'serve', '--data-dir', dataDir, '--port', String(await freePort()), '--host', '127.0.0.1', '--write-key', 'wk_race', '--log-level', 'warn'], { timeout: 12_000, killSignal: 'SIGTERM' }).catch((e: Error & { code?: number; signal?: string; stderr: string }) => e)
    const [a, b] = await Promise.all([start(), start()])
    // The one that serves runs until the time-out stops it (SIGTERM, a clean exit); the other exits 1 at once.
    const outcomes = [a, b].map((r) => ('code' in r && r.code === 1 ? 'refused' : !(r instanceof Error) ? 'served' : `other: ${r.code} ${r.signal} ${String(r.stderr).slice(0, 300)}`)).sort()
    expect(outcomes).toEqual(['refused', 'served'])
    const refused = [a, b].find((r) => 'code' in r && r.code === 1)!
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(refused.stderr).toMatch(/already serving/)
  })
})

describe('a shutdown step that never returns', () => {
  it('still ends pulse serve (non-zero) and its nats-server soon after --shutdown-timeout-ms', async () => {
    const dataDir = tempDir('life-stuck')
    const store = path.join(dataDir, 'nats')
    const pulse = await serve(dataDir, ['--shutdown-timeout-ms', '1000', '--fault-stuck-shutdown'])
    expect(natsServersServing(store)).toHaveLength(1)
    const sent = Date.now()
    pulse.child.kill('SIGTERM')
    const outcome = await Promise.race([pulse.exit, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 20_000))])
    expect(outcome).not.toBe('still running')
    expect(outcome).not.toEqual({ code: 0, signal: null })
    // 1 s budget + 3 s watchdog grace, with room for a busy machine.
    expect(Date.now() - sent).toBeLessThan(12_000)
    expect(await serversGone(store)).toEqual([])
  })
})
