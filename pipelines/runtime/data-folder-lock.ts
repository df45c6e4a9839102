// One Pulse per data folder: the embedded engine and nats-server store there are single-owner.
// The lock is the kernel's (flock(2) on `pulse.lock`), held by a `flock` process (util-linux)
// whose stdin is a pipe from Pulse: the kernel gives it to one process at a time, whatever the pid
// namespaces, users or timing of the contenders, and lets it go when Pulse ends in any way (the
// pipe closes, `cat` ends, `flock` exits). A lock file that only names a pid could not tell a
// dead holder from one in another pid namespace, or keep two Pulses that took over a dead
// holder's lock at the same moment from both going on. The holder writes its pid into the file
// for the message a refused Pulse prints.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { userError } from '../cli/user-error.ts'

export interface DataFolderLock {
  /** Resolves once the lock is free for the next taker (its `flock` process has ended). */
  release(): Promise<void>
}

/** Exit code `flock` gives when another process holds the lock. */
const HELD_ELSEWHERE = 75

/** The folders this process holds, with how many times it took each (it may take one again). */
const held = new Map<string, { child: ChildProcess; takers: number }>()

const lockFile = (dataDir: string) => path.join(dataDir, 'pulse.lock')

function holderPid(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim() || 'unknown'
  } catch {
    return 'unknown'
  }
}

function releaser(key: string): DataFolderLock {
  let released = false
  return {
    release: async () => {
      const entry = held.get(key)
      if (released || !entry) return
      released = true
      if (--entry.takers > 0) return
      held.delete(key)
      const { child } = entry
      if (child.exitCode !== null || child.signalCode !== null) return
      const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      // Referenced again, or the process could end (quietly, with code 0) while this waits.
      child.ref()
      child.stdin?.end()
      await ended
    },
  }
}

/** Takes the data folder's lock, or says which process holds it. The same process may take it again. */
export async function lockDataFolder(dataDir: string): Promise<DataFolderLock> {
  const file = lockFile(dataDir)
  const key = path.resolve(file)
  const mine = held.get(key)
  if (mine) {
    mine.takers++
    return releaser(key)
  }
  const child = spawn('flock', ['--exclusive', '--nonblock', '--conflict-exit-code', String(HELD_ELSEWHERE), file, 'sh', '-c', 'echo held; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const outcome = await new Promise<'held' | { code: number | null; error?: Error }>((resolve) => {
    child.stdout.once('data', () => resolve('held'))
    child.once('exit', (code) => resolve({ code }))
    child.once('error', (error) => resolve({ code: null, error }))
  })
  if (outcome !== 'held') {
    if (outcome.error) throw userError(`cannot lock ${dataDir}: the \`flock\` command (util-linux) did not run (${outcome.error.message}); install util-linux`)
    if (outcome.code === HELD_ELSEWHERE) throw userError(`a Pulse (pid ${holderPid(file)}) is already serving or starting on ${dataDir}: stop it first, or use another --data-dir`)
    throw userError(`cannot lock ${file}: ${stderr.trim() || `flock exited with ${outcome.code}`}; the data folder must be readable and writable by this user`)
  }
  // Pulse's own exit must not wait for the holder; it ends with the pipe.
  child.unref()
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.()
  ;(child.stdin as unknown as { unref?: () => void }).unref?.()
  held.set(key, { child, takers: 1 })
  try {
    writeFileSync(file, `${process.pid}\n`)
  } catch {
    // The pid is for messages only; the kernel's lock is what counts.
  }
  return releaser(key)
}
