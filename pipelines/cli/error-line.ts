// Errors a person causes that surface from Node, the engine, the CSV reader or NATS rather than as
// a userError: the CLI prints them as one line saying what to do. Anything else is a fault in
// Pulse itself and keeps its stack (README, CLI).

interface ErrorFields {
  name?: string
  code?: string
  message?: string
  path?: string
  dest?: string
  syscall?: string
  hostname?: string
  port?: number
  input?: string
  lines?: number
}

function systemErrorLine(e: ErrorFields): string | null {
  const where = e.path ?? e.hostname ?? ''
  switch (e.code) {
    case 'ENOENT':
      return `${where}: no such file or folder: check the path`
    case 'ENOTDIR':
      return `${where}: a part of this path is a file, not a folder: check the path`
    case 'EEXIST':
      return `${where} exists and is not a folder: pick a folder (or a new path)`
    case 'EISDIR':
      return `${where} is a folder: give a file path`
    case 'EACCES':
    case 'EPERM':
      return `${where}: permission denied: pick a path you may use, or change its permissions`
    case 'EROFS':
      return `${where} is on a read-only file system: pick another path`
    case 'ENOSPC':
      return `${where}: no space left on the device: free some space`
    case 'EADDRINUSE':
      return `port ${e.port ?? ''} is in use: pick another with --port`
    case 'EADDRNOTAVAIL':
      return `address ${e.hostname ?? where} is not one of this machine's: check --host`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${e.hostname ?? where} cannot be resolved: check the host name`
    case 'ECONNREFUSED':
      return `nothing listens at ${e.hostname ?? where}${e.port ? `:${e.port}` : ''}: is the server running?`
    default:
      return null
  }
}

/** The one line for an error a person caused, or null for an unexpected one. */
export function personCausedErrorLine(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null
  const e = err as ErrorFields
  const first = (e.message ?? '').split('\n')[0].trim()
  if (e.code === 'ERR_INVALID_URL') return `"${e.input ?? ''}" is not a URL: pass one like http://127.0.0.1:8080`
  const kind = err.constructor?.name
  if (kind === 'CsvError') return `the file cannot be read as CSV: ${first}: fix the file, or pass --delimiter`
  if (kind === 'QueryRefused') return `query refused: ${first}`
  if (kind === 'ClickHouseError') return `the engine refused the query: ${first.replace(/\.\s*$/, '')}`
  if (e.name === 'StreamNotFoundError') return `no event stream here yet (${first}): start \`pulse serve\` on this data folder first, or check --data-dir and --stream`
  if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code) && typeof e.syscall === 'string') return systemErrorLine(e)
  return null
}
