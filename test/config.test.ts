// One config module: flags over environment over defaults, every setting listed in --help, and
// a clear message for values a person can get wrong.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, optionSpecs } from '../pipelines/config.ts'

const run = promisify(execFile)
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')

describe('loadConfig', () => {
  it('uses defaults, then the environment, then flags', () => {
    expect(loadConfig({}, {}).port).toBe(8080)
    expect(loadConfig({}, { PULSE_PORT: '9000' }).port).toBe(9000)
    expect(loadConfig({ port: '9100' }, { PULSE_PORT: '9000' }).port).toBe(9100)
    expect(loadConfig({}, {}).natsUrl).toBeUndefined()
    expect(loadConfig({}, { NATS_URL: 'nats://a:4222' }).natsUrl).toBe('nats://a:4222')
    expect(loadConfig({ clickhouseUrl: 'http://ch:8123' }, {}).clickhouseUrl).toBe('http://ch:8123')
  })
  it('maps write keys to sources, from flags (repeatable) or a comma-separated variable', () => {
    expect(loadConfig({ writeKey: ['k1:web', 'k2'] }, {}).writeKeys).toEqual([
      { key: 'k1', source: 'web' },
      { key: 'k2', source: 'default' },
    ])
    expect(loadConfig({}, { PULSE_WRITE_KEYS: 'a:app, b:crm', PULSE_READ_KEYS: 'r1,r2' })).toMatchObject({
      writeKeys: [
        { key: 'a', source: 'app' },
        { key: 'b', source: 'crm' },
      ],
      readKeys: ['r1', 'r2'],
    })
  })
  it('--no-processor and PULSE_PROCESSOR=0 turn the processor off', () => {
    expect(loadConfig({ processor: true }, {}).processor).toBe(true)
    expect(loadConfig({ processor: false }, {}).processor).toBe(false)
    expect(loadConfig({ processor: true }, { PULSE_PROCESSOR: '0' }).processor).toBe(false)
  })
  it('says what is wrong with a bad value', () => {
    expect(() => loadConfig({ port: 'eighty' }, {})).toThrow(ConfigError)
    expect(() => loadConfig({ port: 'eighty' }, {})).toThrow(/--port \/ PULSE_PORT must be a whole number/)
    expect(() => loadConfig({ writeKey: ['k:bad source!'] }, {})).toThrow(/source name/)
  })
})

describe('pulse serve --help', () => {
  it('lists every flag and environment variable', async () => {
    const { stdout } = await run(process.execPath, [cli, 'serve', '--help'])
    for (const spec of optionSpecs) {
      expect(stdout).toContain(spec.flag.split(' ')[0])
      expect(stdout).toContain(spec.env)
    }
  })
  it('rejects a bad flag value with a message and exit code 1', async () => {
    const err = await run(process.execPath, [cli, 'serve', '--port', 'eighty']).catch((e) => e)
    expect(err.code).toBe(1)
    expect(err.stderr).toContain('must be a whole number')
  })
})
