// Without any key configured, serve makes a development key pair once, keeps it in the data
// folder and prints it, so a first run works without reading the configuration section.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface DevKeys {
  writeKey: string
  readKey: string
}

export function devKeysFile(dataDir: string): string {
  return path.join(dataDir, 'dev-keys.json')
}

export function readDevKeys(dataDir: string): DevKeys | undefined {
  const file = devKeysFile(dataDir)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DevKeys) : undefined
}

export function loadOrCreateDevKeys(dataDir: string): { keys: DevKeys; created: boolean } {
  const existing = readDevKeys(dataDir)
  if (existing) return { keys: existing, created: false }
  mkdirSync(dataDir, { recursive: true })
  const keys = { writeKey: 'wk_' + randomBytes(12).toString('hex'), readKey: 'rk_' + randomBytes(12).toString('hex') }
  writeFileSync(devKeysFile(dataDir), JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 })
  return { keys, created: true }
}
