// The folder where batches wait as files for the embedded engine to read them: memory-backed
// /dev/shm when it has room, else the data folder. Each folder gets a random name (mkdtemp) with
// mode 0700 and its files 0600: /dev/shm is shared by every user of the machine, and the batches
// hold customer data. The pid in the name lets the next process to start remove the folder of a
// process that was killed.
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

const PREFIX = 'pulse-spool-'
const SHM = '/dev/shm'
/** Docker gives containers a 64 MB /dev/shm by default: too small for a few large batches. */
export const MIN_SHM_FREE_BYTES = 256 * 1024 * 1024

export interface SpoolOptions {
  /** Used when /dev/shm is missing, small or full: the data folder (os.tmpdir() if unset). */
  fallbackRoot?: string
  /** /dev/shm is used while it has at least this much free space. */
  minFreeBytes?: number
}

export interface SpoolFolder {
  /** A fresh file path, in /dev/shm while it has room, else in the fallback folder. */
  file(): string
  /** Writes `bytes` to a fresh file (mode 0600), in the fallback folder if the first write fails; returns its path. */
  write(bytes: Uint8Array): Promise<string>
  remove(): Promise<void>
}

/**
 * Writes a spool file that must not exist yet, mode 0600. False when the write failed (a full
 * /dev/shm: ENOSPC), with nothing left behind: the caller keeps the bytes and inserts them another way.
 */
export function writeSpoolFileSync(file: string, bytes: Uint8Array): boolean {
  try {
    writeFileSync(file, bytes, { mode: 0o600, flag: 'wx' })
    return true
  } catch (e) {
    removePartial(file, e)
    return false
  }
}

/** Removes what a failed 'wx' write created; a file that already existed is not ours to remove. */
function removePartial(file: string, error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'EEXIST') rmSync(file, { force: true })
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

function freeBytes(root: string): number {
  try {
    const s = statfsSync(root)
    return s.bavail * s.bsize
  } catch {
    return 0
  }
}

/**
 * The engine's file() reads its path as a glob, with no escape, and turns a glob into a regular
 * expression without escaping the rest (a `$` then matches nothing, and a folder it cannot list
 * hides the file): a spool file's path must hold no glob character (file-insert-statement.ts
 * refuses one). A fallback folder whose path holds one (a data folder named so) is replaced by the
 * system's temporary folder, or /tmp.
 */
export const GLOB_CHARACTERS = /[*?{}]/

function globFree(root: string): string {
  for (const candidate of [root, os.tmpdir(), '/tmp']) if (!GLOB_CHARACTERS.test(path.resolve(candidate))) return candidate
  throw new Error(`no folder for spooled batches: ${JSON.stringify(root)}, the temporary folder and /tmp all hold one of * ? { } in their path`)
}

export async function openSpoolFolder(options: SpoolOptions = {}): Promise<SpoolFolder> {
  const minFree = options.minFreeBytes ?? MIN_SHM_FREE_BYTES
  const fallbackRoot = globFree(options.fallbackRoot ?? os.tmpdir())
  await mkdir(fallbackRoot, { recursive: true })
  const roots = freeBytes(SHM) > 0 ? [SHM, fallbackRoot] : [fallbackRoot]
  for (const root of roots) await removeAbandoned(root)
  // mkdtemp: a name no other user can guess in advance, created 0700.
  const dirs = roots.map((root) => mkdtempSync(path.join(root, `${PREFIX}${process.pid}-`)))
  const fallbackDir = dirs[dirs.length - 1]
  let files = 0
  const fileIn = (dir: string) => path.join(dir, `${files++}.tsv`)
  const file = () => fileIn(dirs.length > 1 && freeBytes(SHM) >= minFree ? dirs[0] : fallbackDir)
  return {
    file,
    async write(bytes) {
      const first = file()
      try {
        await writeFile(first, bytes, { mode: 0o600, flag: 'wx' })
        return first
      } catch (e) {
        removePartial(first, e)
        const second = fileIn(fallbackDir)
        await writeFile(second, bytes, { mode: 0o600, flag: 'wx' })
        return second
      }
    },
    remove: async () => {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true })
    },
  }
}
