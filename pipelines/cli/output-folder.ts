// The folder a command writes into (simulate --out, the truth file's folder), made if missing.
// Node's recursive mkdir never returns on a path under /proc (it keeps retrying the ENOENT), so
// the parents are made one by one, and a failure says which path and what to do.
import { mkdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { userError } from './user-error.ts'

export function outputFolder(dir: string, flag: string): void {
  const found = statSync(dir, { throwIfNoEntry: false })
  if (found) {
    if (!found.isDirectory()) throw userError(`${flag} ${dir} is a file, not a folder: pick a folder (it is made if missing)`)
    return
  }
  const parent = path.dirname(dir)
  if (parent !== dir) outputFolder(parent, flag)
  try {
    mkdirSync(dir)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return
    throw userError(`${flag} ${dir}: the folder cannot be made (${code ?? (e as Error).message}): pick a folder you may write`)
  }
}
