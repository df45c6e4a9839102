// One Pulse per data folder: the embedded engine and nats-server store there are single-owner.
// The lock is a file created exclusively (O_EXCL), so of two Pulses started at the same moment
// exactly one gets it; a lock left by a process that died is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { userError } from '../cli/user-error.ts'
import { processAlive } from './process-alive.ts'

export interface DataFolderLock {
  release(): void
}

const lockFile = (dataDir: string) => path.join(dataDir, 'pulse.lock')

function holder(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/** Takes the data folder's lock, or says which process holds it. The same process may take it again. */
export function lockDataFolder(dataDir: string): DataFolderLock {
  const file = lockFile(dataDir)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 })
      return { release: () => holder(file) === process.pid && rmSync(file, { force: true }) }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const pid = holder(file)
    if (pid === process.pid) return { release: () => {} }
    if (pid !== null && processAlive(pid)) {
      throw userError(`a Pulse (pid ${pid}) is already serving or starting on ${dataDir}: stop it first, or use another --data-dir`)
    }
    // Left by a process that died (or cut short while written): take it over.
    rmSync(file, { force: true })
  }
  throw userError(`could not take the lock ${file}: another Pulse keeps starting on ${dataDir}; stop it first`)
}
