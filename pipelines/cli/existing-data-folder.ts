// Commands that read a stopped Pulse's data folder open its embedded engine, which would create
// an empty store in a mistyped path and answer from it: they first check there is one.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { userError } from './user-error.ts'

export function requireEmbeddedStore(dataDir: string): void {
  if (!existsSync(path.join(dataDir, 'clickhouse'))) {
    throw userError(`there is no Pulse data in ${dataDir}: check --data-dir (or PULSE_DATA_DIR), or pass --url of a running Pulse`)
  }
}
