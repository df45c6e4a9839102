// Finds and stops a nats-server left running on a store folder by a Pulse that died (kill -9,
// power cut of the parent only): two servers on one JetStream store corrupt each other's view of
// it, and messages acknowledged by the old one can go unseen by the new one.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { userError } from '../cli/user-error.ts'

export const natsPidFile = (storeDir: string) => path.join(storeDir, 'nats-server.pid')

export function writeNatsPidFile(storeDir: string, pid: number): void {
  writeFileSync(natsPidFile(storeDir), `${pid}\n`)
}

export function removeNatsPidFile(storeDir: string, pid: number): void {
  // Only our own: a newer server may already have written its pid there.
  if (readPid(natsPidFile(storeDir)) === pid) rmSync(natsPidFile(storeDir), { force: true })
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined
  const pid = Number(readFileSync(file, 'utf8').trim())
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

/** True while the process exists and is not a zombie (a killed child its parent has not reaped). */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/** True if `pid` is a nats-server whose store folder (-sd) is `storeDir`, judged by /proc/<pid>/cmdline. */
export function servesStore(pid: number, storeDir: string): boolean {
  let argv: string[]
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
  } catch {
    return false
  }
  if (path.basename(argv[0] ?? '') !== 'nats-server') return false
  const i = argv.findIndex((a) => a === '-sd' || a === '--store_dir')
  return i >= 0 && path.resolve(argv[i + 1] ?? '') === path.resolve(storeDir)
}

/** Every running nats-server on `storeDir`: the pid file's, and any other found in /proc. */
export function natsServersOnStore(storeDir: string): number[] {
  const found = new Set<number>()
  const recorded = readPid(natsPidFile(storeDir))
  if (recorded && servesStore(recorded, storeDir)) found.add(recorded)
  let entries: string[] = []
  try {
    entries = readdirSync('/proc')
  } catch {
    return [...found] // no /proc (not Linux): the pid file is all there is
  }
  for (const e of entries) {
    const pid = Number(e)
    if (Number.isInteger(pid) && pid !== process.pid && servesStore(pid, storeDir)) found.add(pid)
  }
  return [...found].filter(processRunning)
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (processRunning(pid)) {
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 50))
  }
  return true
}

/** Stops (SIGTERM, then SIGKILL after 5 s) every nats-server still running on `storeDir`; returns their pids. */
export async function stopStaleNatsServers(storeDir: string): Promise<number[]> {
  const pids = natsServersOnStore(storeDir)
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM')
      if (!(await waitGone(pid, 5000))) {
        process.kill(pid, 'SIGKILL')
        await waitGone(pid, 5000)
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'EPERM') throw userError(`a nats-server of another user (pid ${pid}) runs on ${storeDir}: stop it, or use another --data-dir`)
      if (code !== 'ESRCH') throw e
    }
  }
  rmSync(natsPidFile(storeDir), { force: true })
  return pids
}
