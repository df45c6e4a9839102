// A keys file keeps keys out of `ps` and shell history. Either JSON
//   { "write": ["KEY:SOURCE", ...], "read": ["KEY", ...], "admin": ["KEY", ...] }
// or lines `write KEY[:SOURCE]`, `read KEY`, `admin KEY` (blank lines and `#` comments ignored).
// A file that group or others can read or write is refused: whoever reads it holds the keys.
import { readFileSync, statSync } from 'node:fs'

export interface FileKeys {
  write: string[]
  read: string[]
  admin: string[]
}

export class KeysFileError extends Error {}

const SCOPES = ['write', 'read', 'admin'] as const

function fromJson(text: string, file: string): FileKeys {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new KeysFileError(`keys file ${file} is not valid JSON (${(e as Error).message})`)
  }
  const out: FileKeys = { write: [], read: [], admin: [] }
  for (const scope of SCOPES) {
    const list = (value as Record<string, unknown>)[scope] ?? []
    if (!Array.isArray(list) || list.some((k) => typeof k !== 'string')) {
      throw new KeysFileError(`keys file ${file}: "${scope}" must be a list of strings`)
    }
    out[scope] = list as string[]
  }
  return out
}

function fromLines(text: string, file: string): FileKeys {
  const out: FileKeys = { write: [], read: [], admin: [] }
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const [scope, key, extra] = line.split(/\s+/)
    if (!SCOPES.includes(scope as (typeof SCOPES)[number]) || !key || extra !== undefined) {
      throw new KeysFileError(`keys file ${file}, line ${i + 1}: write "write KEY[:SOURCE]", "read KEY" or "admin KEY"`)
    }
    out[scope as (typeof SCOPES)[number]].push(key)
  })
  return out
}

export function readKeysFile(file: string): FileKeys {
  let mode: number
  try {
    mode = statSync(file).mode
  } catch {
    throw new KeysFileError(`keys file ${file} cannot be read: check the path given to --keys-file / PULSE_KEYS_FILE`)
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new KeysFileError(`keys file ${file} is open to other users (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${file}`)
  }
  const text = readFileSync(file, 'utf8')
  return text.trimStart().startsWith('{') ? fromJson(text, file) : fromLines(text, file)
}
