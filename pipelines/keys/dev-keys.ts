// Without any key configured, serve makes a development key pair once, keeps it in the data
// folder and prints it, so a first run works without reading the configuration section.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface DevKeys {
  writeKey: string
  readKey: string
  adminKey: string
}

export function devKeysFile(dataDir: string): string {
  return path.join(dataDir, 'dev-keys.json')
}

export function readDevKeys(dataDir: string): Partial<DevKeys> | undefined {
  const file = devKeysFile(dataDir)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevKeys>) : undefined
}

const newKey = (prefix: string) => prefix + randomBytes(12).toString('hex')

export function loadOrCreateDevKeys(dataDir: string): { keys: DevKeys; created: boolean } {
  const existing = readDevKeys(dataDir)
  if (existing?.writeKey && existing.readKey && existing.adminKey) return { keys: existing as DevKeys, created: false }
  mkdirSync(dataDir, { recursive: true })
  // A file from before admin keys existed keeps its keys and gains an admin key.
  const keys = { writeKey: existing?.writeKey ?? newKey('wk_'), readKey: existing?.readKey ?? newKey('rk_'), adminKey: newKey('ak_') }
  writeFileSync(devKeysFile(dataDir), JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 })
  return { keys, created: true }
}
