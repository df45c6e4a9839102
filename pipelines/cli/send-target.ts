// Where CLI commands that send events (simulate, import) send them: --url, else the Pulse serving
// the data folder; the write key from the configuration, else the folder's development key.
import type { PulseConfig } from '../config.ts'
import { readDevKeys } from '../keys/dev-keys.ts'
import { runningServer } from '../runtime/server-file.ts'
import { pulseBaseUrl } from './pulse-request.ts'
import { userError } from './user-error.ts'

export function sendTarget(url: string | undefined, config: PulseConfig, alternative: string): { url: string; writeKey: string } {
  const base = url ?? runningServer(config.dataDir)?.url
  if (!base) throw userError(`no running Pulse serves ${config.dataDir}: start \`pulse serve\`, pass --url URL${alternative}`)
  const writeKey = config.writeKeys[0]?.key ?? readDevKeys(config.dataDir)?.writeKey
  if (!writeKey) throw userError('no write key: pass --write-key KEY (or PULSE_WRITE_KEYS)')
  return { url: pulseBaseUrl(base), writeKey }
}
