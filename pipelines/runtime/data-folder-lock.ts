// One Pulse per data folder: the embedded engine and nats-server store there are single-owner.
// The lock file appears with its holder's pid already in it: written to a file of this process's
// own, then hard-linked to the lock's name, which fails when the name exists. Created empty and
// written after (O_EXCL), it could be read between the two by a second Pulse starting at the same
// moment, taken for a lock cut short by a crash, and removed, and both Pulses then served. A lock
// left by a process that died is taken over.
import { randomBytes } from 'node:crypto'
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
  const own = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  writeFileSync(own, `${process.pid}\n`, { mode: 0o600 })
  try {
    return takeLock(file, own, dataDir)
  } finally {
    rmSync(own, { force: true })
  }
}

/** Creates the lock `file` with the content of `own` in one step, taking over a dead holder's. */
function takeLock(file: string, own: string, dataDir: string): DataFolderLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      create(file, own)
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

function create(file: string, own: string): void {
  try {
    linkSync(own, file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw e
    // A file system without hard links: created exclusively, then written (the window above).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 })
    else throw e
  }
}
