// Three kinds of key: write keys send events, read keys only query, admin keys also start refits.
// Keys can come from a file (mode 600) instead of the command line.
import { execFile } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../pipelines/config.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { ADMIN_KEY, postJson, READ_KEY, startTestPulse, tempDir, WRITE_KEY } from './helpers/test-pulse.ts'

const run = promisify(execFile)
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')
let pulse: RunningPulse

beforeAll(async () => {
  pulse = await startTestPulse('scopes', { ltvRefreshMinutes: 0 })
})
afterAll(async () => {
  await pulse?.stop()
})

const refresh = (key: string) => postJson(pulse.url + '/api/ltv/refresh', {}, { authorization: `Bearer ${key}` })
const query = (key: string) => postJson(pulse.url + '/api/sql', { query: 'SELECT 1 AS one' }, { authorization: `Bearer ${key}` })

describe('key scopes over HTTP', () => {
  it('a read key queries but cannot start a refit (403); an admin key can do both', async () => {
    const denied = await refresh(READ_KEY)
    expect(denied.status).toBe(403)
    expect(((await denied.json()) as { error: { message: string } }).error.message).toMatch(/admin key/)
    // No purchases yet: the refit ran and found nothing to fit on.
    expect((await refresh(ADMIN_KEY)).status).toBe(409)
    expect((await query(READ_KEY)).status).toBe(200)
    expect((await query(ADMIN_KEY)).status).toBe(200)
    // A write key or an unknown key is neither.
    for (const key of [WRITE_KEY, 'nope']) {
      expect((await refresh(key)).status).toBe(401)
      expect((await query(key)).status).toBe(401)
    }
  })
  it('pulse ltv refresh --url takes --admin-key, and says what is missing with a read key', async () => {
    const withRead = await run(process.execPath, [cli, 'ltv', 'refresh', '--url', pulse.url, '--read-key', READ_KEY, '--data-dir', tempDir('scopes-cli')]).catch((e) => e)
    expect(withRead.code).toBe(1)
    expect(withRead.stderr).toMatch(/admin key/)
    const withAdmin = await run(process.execPath, [cli, 'ltv', 'refresh', '--url', pulse.url, '--admin-key', ADMIN_KEY, '--data-dir', tempDir('scopes-cli')]).catch((e) => e)
    // Reached the refit: it reports that there is nothing to fit on yet.
    expect(withAdmin.stderr).toMatch(/no purchase events/)
  })
})

describe('keys file', () => {
  const write = (text: string, mode = 0o600) => {
    const file = path.join(tempDir('keys'), 'keys')
    writeFileSync(file, text)
    chmodSync(file, mode)
    return file
  }
  it('reads simple lines and adds them to the keys from flags and the environment', () => {
    const file = write('# keys of the shop\nwrite wk_file:shop\nread rk_file\n\nadmin ak_file\n')
    const config = loadConfig({ keysFile: file, readKey: ['rk_flag'] }, { PULSE_ADMIN_KEYS: 'ak_env' })
    expect(config.writeKeys).toEqual([{ key: 'wk_file', source: 'shop' }])
    expect(config.readKeys).toEqual(['rk_flag', 'rk_file'])
    expect(config.adminKeys).toEqual(['ak_env', 'ak_file'])
  })
  it('reads JSON, from --keys-file or PULSE_KEYS_FILE', () => {
    const file = write(JSON.stringify({ write: ['wk_j'], read: ['rk_j'], admin: ['ak_j'] }))
    expect(loadConfig({}, { PULSE_KEYS_FILE: file })).toMatchObject({ writeKeys: [{ key: 'wk_j', source: 'default' }], readKeys: ['rk_j'], adminKeys: ['ak_j'] })
  })
  it('refuses a file other users can read, and a malformed line, with what to do', () => {
    const open = write('read rk_x\n', 0o644)
    expect(() => loadConfig({ keysFile: open }, {})).toThrow(ConfigError)
    expect(() => loadConfig({ keysFile: open }, {})).toThrow(/chmod 600/)
    expect(() => loadConfig({ keysFile: write('reader rk_x\n') }, {})).toThrow(/line 1/)
    expect(() => loadConfig({ keysFile: '/no/such/keys' }, {})).toThrow(/--keys-file/)
  })
})
