// The folder where batches wait as files for the embedded engine to read them: memory-backed
// /dev/shm when there is one. Named after the owning process, so that a process that was killed
// (its folder left behind) is cleaned up by the next one to start.
import { existsSync } from 'node:fs'
import { mkdir, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

const PREFIX = 'pulse-spool-'

export interface SpoolFolder {
  /** A fresh file path in the folder. */
  file(): string
  remove(): Promise<void>
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function removeAbandoned(root: string): Promise<void> {
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = Number(name.slice(PREFIX.length).split('-')[0])
    if (name.startsWith(PREFIX) && Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      await rm(path.join(root, name), { recursive: true, force: true })
    }
  }
}

let opened = 0

export async function openSpoolFolder(): Promise<SpoolFolder> {
  const root = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()
  await removeAbandoned(root)
  const dir = path.join(root, `${PREFIX}${process.pid}-${opened++}`)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  let files = 0
  return {
    file: () => path.join(dir, `${files++}.tsv`),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}
