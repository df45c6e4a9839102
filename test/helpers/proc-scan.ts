// What runs on this machine, read from /proc: the nats-server processes serving a store folder.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

/** True while the process exists and is not a zombie (killed but not yet reaped). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** Pids of running nats-server processes whose -sd argument is `storeDir`. */
export function natsServersServing(storeDir: string): number[] {
  const want = path.resolve(storeDir)
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    let argv: string[]
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    } catch {
      continue
    }
    const sd = argv.indexOf('-sd')
    if (path.basename(argv[0]) === 'nats-server' && sd >= 0 && path.resolve(argv[sd + 1]) === want && isRunning(pid)) pids.push(pid)
  }
  return pids
}
