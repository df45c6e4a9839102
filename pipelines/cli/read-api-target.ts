// Where a read command asks: the --url given, else the Pulse serving the data folder; with the
// first read (or admin) key configured, else the data folder's development read key.
import { type PulseConfig } from '../config.ts'
import { readDevKeys } from '../keys/dev-keys.ts'
import { runningServer } from '../runtime/server-file.ts'
import { userError } from './user-error.ts'

export interface ReadApiTarget {
  url: string
  readKey: string
}

export function readApiTarget(url: string | undefined, config: PulseConfig): ReadApiTarget {
  const server = url !== undefined ? { url } : runningServer(config.dataDir)
  if (!server) throw userError(`no Pulse is serving ${config.dataDir}: start one with \`pulse serve\`, or pass --url of a running Pulse`)
  const readKey = config.readKeys[0] ?? config.adminKeys[0] ?? readDevKeys(config.dataDir)?.readKey
  if (!readKey) throw userError('no read key: pass --read-key KEY (or PULSE_READ_KEYS, or a --keys-file)')
  return { url: server.url, readKey }
}
