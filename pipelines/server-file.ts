// `<data-dir>/server.json` tells CLI commands that a Pulse is serving this data folder, where,
// so they talk to it over HTTP instead of opening the (single-owner) embedded engine.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface ServerFile {
  url: string
  pid: number
}

const fileOf = (dataDir: string) => path.join(dataDir, 'server.json')

export function writeServerFile(dataDir: string, info: ServerFile): void {
  writeFileSync(fileOf(dataDir), JSON.stringify(info) + '\n')
}

export function removeServerFile(dataDir: string): void {
  rmSync(fileOf(dataDir), { force: true })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The running server of this data folder, if its process is still alive. */
export function runningServer(dataDir: string): ServerFile | undefined {
  const file = fileOf(dataDir)
  if (!existsSync(file)) return undefined
  let info: ServerFile
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as ServerFile
  } catch {
    return undefined // cut short by a crash while it was written: its server is gone
  }
  return alive(info.pid) ? info : undefined
}
