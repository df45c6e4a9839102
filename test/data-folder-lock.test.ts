// One Pulse per data folder: of many processes taking the lock at the same moment exactly one gets
// it, also when the lock file names a holder that died (two takers of a dead holder's lock once
// both went on); a holder killed with SIGKILL leaves it free at once.
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { lockDataFolder } from '../pipelines/runtime/data-folder-lock.ts'
import { tempDir } from './helpers/test-pulse.ts'

const lockModule = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'runtime', 'data-folder-lock.ts')

interface Contender {
  child: ChildProcess
  ready: Promise<void>
  /** Resolves once it holds the lock. */
  got: Promise<void>
  outcome: Promise<string>
}

/**
 * A process that says `ready`, waits for `go` to exist, takes the lock, says whether it got it and
 * holds it `holdMs`.
 */
function contender(dataDir: string, go: string, holdMs = 3000): Contender {
  const script = `
    import { existsSync } from 'node:fs'
    const { lockDataFolder } = await import(${JSON.stringify(lockModule)})
    console.log('ready')
    while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2))
    try { await lockDataFolder(${JSON.stringify(dataDir)}); console.log('got'); await new Promise((r) => setTimeout(r, ${holdMs})) }
    catch (e) { console.log(/already serving/.test(e.message) ? 'refused' : 'error: ' + e.message) }`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  let signalReady = () => {}
  let signalGot = () => {}
  const ready = new Promise<void>((r) => (signalReady = r))
  const got = new Promise<void>((r) => (signalGot = r))
  child.stdout!.on('data', (d) => {
    out += d
    if (out.startsWith('ready\n')) signalReady()
    if (out.includes('got\n')) signalGot()
  })
  const outcome = new Promise<string>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', () => resolve(out.replace(/^ready\n/, '').trim()))
  })
  return { child, ready, got, outcome }
}

async function race(dataDir: string, n: number): Promise<string[]> {
  const go = path.join(dataDir, `go-${Math.random().toString(36).slice(2)}`)
  const contenders = Array.from({ length: n }, () => contender(dataDir, go))
  // The processes start at their own pace; all wait for the signal, then race.
  await Promise.all(contenders.map((c) => c.ready))
  writeFileSync(go, '')
  return (await Promise.all(contenders.map((c) => c.outcome))).sort()
}

describe('the data folder lock', () => {
  it('goes to exactly one of eight processes taking it at the same moment', async () => {
    expect(await race(tempDir('lock-race'), 8)).toEqual(['got', ...Array(7).fill('refused')])
  }, 60_000)

  it('goes to exactly one of six processes taking over the lock of a holder that died, round after round', async () => {
    const dataDir = tempDir('lock-stale')
    for (let round = 0; round < 5; round++) {
      writeFileSync(path.join(dataDir, 'pulse.lock'), '999999999\n')
      expect(await race(dataDir, 6)).toEqual(['got', ...Array(5).fill('refused')])
    }
  }, 120_000)

  it('is free at once when its holder is killed with SIGKILL, and taken again by the same process', async () => {
    const dataDir = tempDir('lock-kill')
    const go = path.join(dataDir, 'go')
    writeFileSync(go, '')
    const holder = contender(dataDir, go, 60_000)
    await holder.got
    await expect(lockDataFolder(dataDir)).rejects.toThrow(new RegExp(`pid ${holder.child.pid}\\) is already serving`))
    holder.child.kill('SIGKILL')
    await holder.outcome
    const lock = await lockDataFolder(dataDir)
    const again = await lockDataFolder(dataDir)
    await again.release()
    // Still held by this process after one of its two takers let go.
    const other = contender(dataDir, go, 0)
    expect(await other.outcome).toBe('refused')
    await lock.release()
    expect(await contender(dataDir, go, 0).outcome).toBe('got')
  }, 60_000)
})
