// The install is reproducible: the setup installs exactly the tracked lock (and never rewrites
// it), the lock holds every platform's packages, and every runtime dependency runs on the Node
// versions package.json declares.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import semver from 'semver'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from './helpers/test-pulse.ts'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const lockText = readFileSync(path.join(root, 'package-lock.json'), 'utf8')
const lock = JSON.parse(lockText) as { packages: Record<string, { version?: string; dev?: boolean; optional?: boolean; engines?: { node?: string }; optionalDependencies?: Record<string, string>; os?: string[]; cpu?: string[] }> }

const scratch: string[] = []
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('the install', () => {
  it('lists every optional platform package in the lock, so npm ci works on Linux x64/arm64 and macOS', () => {
    const missing: string[] = []
    for (const [where, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const nested = `${where}/node_modules/${name}`
        if (!lock.packages[nested] && !lock.packages[`node_modules/${name}`]) missing.push(`${name} (for ${where || 'the project'})`)
      }
    }
    expect(missing).toEqual([])
    const chdbPlatforms = Object.entries(lock.packages).filter(([k]) => k.startsWith('node_modules/@chdb/lib-')).map(([, v]) => `${v.os}-${v.cpu}`)
    expect(chdbPlatforms.sort()).toEqual(['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64'])
  })

  it('declares a Node range that every runtime dependency supports, and this Node is in it', () => {
    const declared = pkg.engines.node as string
    expect(semver.satisfies(process.version, declared)).toBe(true)
    const narrower: string[] = []
    for (const [where, entry] of Object.entries(lock.packages)) {
      const needs = entry.engines?.node
      if (!where || entry.dev || !needs) continue
      if (!semver.subset(declared, needs)) narrower.push(`${where} ${entry.version} needs node ${needs}`)
    }
    expect(narrower).toEqual([])
  })

  it('setup installs exactly the lock and leaves the tracked files as they were', () => {
    const dir = tempDir('install')
    scratch.push(dir)
    mkdirSync(path.join(dir, 'pipelines'))
    for (const f of ['package.json', 'package-lock.json', 'pipelines/setup.sh']) cpSync(path.join(root, f), path.join(dir, f))
    execFileSync('bash', ['pipelines/setup.sh'], { cwd: dir, stdio: 'pipe', env: { ...process.env, npm_config_ignore_scripts: 'true' } })
    expect(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).toBe(lockText)
    const installed = JSON.parse(readFileSync(path.join(dir, 'node_modules/chdb/package.json'), 'utf8')).version
    expect(installed).toBe(lock.packages['node_modules/chdb'].version)
  }, 180_000)
})
