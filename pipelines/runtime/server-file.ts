// `<data-dir>/server.json` tells CLI commands that a Pulse is serving this data folder, where,
// so they talk to it over HTTP instead of opening the (single-owner) embedded engine.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { userError } from '../cli/user-error.ts'
import { processAlive } from './process-alive.ts'

export interface ServerFile {
  url: string
  pid: number
}

const fileOf = (dataDir: string) => path.join(dataDir, 'server.json')

/** Written whole or not at all (a new file renamed over the old), so a crash never leaves half of one. */
export function writeServerFile(dataDir: string, info: ServerFile): void {
  const partial = `${fileOf(dataDir)}.${process.pid}.partial`
  writeFileSync(partial, JSON.stringify(info) + '\n')
  renameSync(partial, fileOf(dataDir))
}

export function removeServerFile(dataDir: string): void {
  rmSync(fileOf(dataDir), { force: true })
}

/** The running server of this data folder, if its process is still alive. */
export function runningServer(dataDir: string): ServerFile | undefined {
  const file = fileOf(dataDir)
  if (!existsSync(file)) return undefined
  let info: Partial<ServerFile> | null
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerFile> | null
  } catch (err) {
    throw userError(`${file} cannot be read as a Pulse server file (${(err as Error).message}): if no \`pulse serve\` runs on ${dataDir}, delete it; else pass --url URL`)
  }
  if (typeof info?.url !== 'string' || !Number.isInteger(info.pid)) {
    throw userError(`${file} does not hold a Pulse server's url and pid: if no \`pulse serve\` runs on ${dataDir}, delete it; else pass --url URL`)
  }
  return processAlive(info.pid!) ? { url: info.url, pid: info.pid! } : undefined
}
