// One Pulse per data folder: of many processes taking the lock at the same moment exactly one gets
// it, and the lock file is never seen without its holder's pid (a second Pulse reading it empty
// took it for a crashed holder's, removed it, and both served).
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { lockDataFolder } from '../pipelines/runtime/data-folder-lock.ts'
import { tempDir } from './helpers/test-pulse.ts'

const lockModule = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'runtime', 'data-folder-lock.ts')

/**
 * A process that says `ready`, waits for `go` to exist, takes the lock, holds it 3 s and says
 * whether it got it.
 */
function contender(dataDir: string, go: string): { ready: Promise<void>; outcome: Promise<string> } {
  const script = `
    import { existsSync } from 'node:fs'
    const { lockDataFolder } = await import(${JSON.stringify(lockModule)})
    console.log('ready')
    while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2))
    try { lockDataFolder(${JSON.stringify(dataDir)}); console.log('got'); await new Promise((r) => setTimeout(r, 3000)) }
    catch (e) { console.log(/already serving/.test(e.message) ? 'refused' : 'error: ' + e.message) }`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  let signalReady = () => {}
  const ready = new Promise<void>((r) => (signalReady = r))
  child.stdout.on('data', (d) => {
    out += d
    if (out.startsWith('ready\n')) signalReady()
  })
  const outcome = new Promise<string>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', () => resolve(out.replace(/^ready\n/, '').trim()))
  })
  return { ready, outcome }
}

describe('the data folder lock', () => {
  it('goes to exactly one of eight processes taking it at the same moment', async () => {
    const dataDir = tempDir('lock-race')
    const go = path.join(dataDir, 'go')
    const contenders = Array.from({ length: 8 }, () => contender(dataDir, go))
    // The processes start at their own pace; all wait for the signal, then race.
    await Promise.all(contenders.map((c) => c.ready))
    writeFileSync(go, '')
    const results = (await Promise.all(contenders.map((c) => c.outcome))).sort()
    expect(results).toEqual(['got', ...Array(7).fill('refused')])
    // Each process's own file is gone; the lock of the one that got it is released at its exit or left for a takeover.
    expect(readdirSync(dataDir).filter((f) => f.startsWith('pulse.lock.'))).toEqual([])
  }, 60_000)

  it('is taken over from a holder that died, and taken again by the same process', () => {
    const dataDir = tempDir('lock-stale')
    writeFileSync(path.join(dataDir, 'pulse.lock'), '999999999\n')
    const lock = lockDataFolder(dataDir)
    expect(lockDataFolder(dataDir)).toBeDefined()
    lock.release()
    expect(existsSync(path.join(dataDir, 'pulse.lock'))).toBe(false)
  })
})
