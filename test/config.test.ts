// One config module: flags over environment over defaults, every setting listed in --help, and
// a clear message for values a person can get wrong.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, optionSpecs, rangeOf, type OptionSpec, type PulseConfig } from '../pipelines/config.ts'
import { rangeText } from '../pipelines/numeric-range.ts'

const run = promisify(execFile)
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')

describe('loadConfig', () => {
  it('reads a fixed now only as an ISO time with a zone, and refuses anything else naming the flag', () => {
    expect(loadConfig({}, {}).now).toBeNull()
    expect(loadConfig({ now: '2026-01-31T12:00:00Z' }, {}).now).toBe(Date.UTC(2026, 0, 31, 12))
    expect(loadConfig({}, { PULSE_NOW: '2026-01-31T13:00:00+01:00' }).now).toBe(Date.UTC(2026, 0, 31, 12))
    for (const bad of ['2026-01-31T12:00:00', 'yesterday', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-01-31T24:00:00Z', '1767182400000']) {
      expect(() => loadConfig({ now: bad }, {})).toThrow(/--now .* ISO-8601 time that exists, with a zone/)
    }
  })
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
  it('refuses a key given in two roles (a write key that could read)', () => {
    expect(() => loadConfig({ writeKey: ['same:web'], readKey: ['same'] }, {})).toThrow(/is given as a write and a read key/)
    expect(() => loadConfig({}, { PULSE_READ_KEYS: 'k1', PULSE_ADMIN_KEYS: 'k1' })).toThrow(/a read and a admin key|a read and an admin key/)
    expect(loadConfig({ writeKey: ['w:web'], readKey: ['r'], adminKey: ['a'] }, {}).readKeys).toEqual(['r'])
  })

  it('refuses a stream too small for the largest request (it would answer 429 forever)', () => {
    expect(() => loadConfig({ maxStreamBytes: '1048576' }, {})).toThrow(/--max-stream-bytes/)
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

describe('numeric settings', () => {
  const numeric = optionSpecs.filter((s) => s.kind === 'int' || s.kind === 'number')
  const flagOf = (spec: OptionSpec) => spec.flag.split(' ')[0]
  const valueOf = (config: PulseConfig, key: OptionSpec['key']) =>
    key.startsWith('faults.') ? (config.faults as unknown as Record<string, unknown>)[key.slice('faults.'.length)] : (config as unknown as Record<string, unknown>)[key]
  const attribute = (spec: OptionSpec) => flagOf(spec).slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

  it('each has a documented range: its ends are taken, a step outside and a non-number are refused naming the flag and the range', () => {
    for (const spec of numeric) {
      const range = rangeOf(spec)
      const step = range.integer ? 1 : 0.001
      expect(valueOf(loadConfig({ [attribute(spec)]: String(range.min) }, {}), spec.key)).toBe(range.min)
      if (range.max !== Infinity) expect(valueOf(loadConfig({ [attribute(spec)]: String(range.max) }, {}), spec.key)).toBe(range.max)
      const refused = ['x', '', String(range.min - step), ...(range.max !== Infinity ? [String(range.max + step)] : []), ...(range.integer ? [String(range.min + 0.5)] : [])]
      for (const bad of refused) {
        expect(() => loadConfig({ [attribute(spec)]: bad }, {}), `${flagOf(spec)} ${JSON.stringify(bad)}`).toThrow(`${flagOf(spec)} / ${spec.env} must be ${rangeText(range)}`)
      }
      expect(() => loadConfig({}, { [spec.env]: 'x' })).toThrow(ConfigError)
    }
  })

  it('refuses the values that make no sense', () => {
    for (const [flags, message] of [
      [{ maxDeliver: '0' }, '--max-deliver / PULSE_MAX_DELIVER must be a whole number from 1 to'],
      [{ batchSize: '0' }, '--batch-size / PULSE_BATCH_SIZE must be a whole number from 1 to'],
      [{ ltvUnitDays: '0' }, '--ltv-unit-days / PULSE_LTV_UNIT_DAYS must be a whole number from 1 to'],
      [{ ltvRefreshMinutes: String(60 * 24 * 30) }, '--ltv-refresh-minutes / PULSE_LTV_REFRESH_MINUTES must be a whole number from 0 to'],
    ] as const) {
      expect(() => loadConfig(flags, {})).toThrow(message)
    }
  })
})

describe('pulse serve --help', () => {
  it('lists every flag and environment variable', async () => {
    const { stdout } = await run(process.execPath, [cli, 'serve', '--help'])
    const text = stdout.replace(/\s+/g, ' ')
    for (const spec of optionSpecs) {
      expect(stdout).toContain(spec.flag.split(' ')[0])
      expect(stdout).toContain(spec.env)
      if (spec.kind === 'int' || spec.kind === 'number') expect(text).toContain(rangeText(rangeOf(spec)))
    }
  })
  it('rejects a bad flag value with a message and exit code 1', async () => {
    const err = await run(process.execPath, [cli, 'serve', '--port', 'eighty']).catch((e) => e)
    expect(err.code).toBe(1)
    expect(err.stderr).toContain('must be a whole number')
  })
})

describe('the commands\' own numeric options', () => {
  it('refuse a value outside their range in one line naming the flag and the range, exit code 1', async () => {
    const cases = [
      { args: ['serve', '--max-deliver', '0'], says: '--max-deliver / PULSE_MAX_DELIVER must be a whole number from 1 to 1000, got "0"' },
      { args: ['import', 'events.csv', '--batch', 'x'], says: "option '--batch <n>' argument 'x' is invalid. It must be a whole number from 1 to 10000." },
      { args: ['simulate', '--rate', 'x'], says: "option '--rate <events/s>' argument 'x' is invalid. It must be a whole number from 0 to 10000000." },
      { args: ['simulate', '--concurrency', '0'], says: "option '--concurrency <n>' argument '0' is invalid. It must be a whole number from 1 to 256." },
      { args: ['ltv', 'fit', '--unit-days', '0'], says: "option '--unit-days <n>' argument '0' is invalid. It must be a whole number from 1 to 365." },
      { args: ['ltv', 'fit', '--discount', '1.5'], says: "option '--discount <rate>' argument '1.5' is invalid. It must be a number from 0 to 1." },
    ]
    const results = await Promise.all(cases.map((c) => run(process.execPath, [cli, ...c.args]).catch((e) => e)))
    results.forEach((err, i) => {
      expect(err.code, cases[i].args.join(' ')).toBe(1)
      const lines = err.stderr.trim().split('\n')
      expect(lines[0]).toContain(cases[i].says)
      expect(err.stderr).not.toMatch(/^\s+at /m)
    })
  })
})

describe('terminal tables', () => {
  it('show control and format characters of stored values escaped, never raw', async () => {
    const { formatTable } = await import('../pipelines/cli/row-printing.ts')
    const out = formatTable([{ id: 'a\u001b[2Jb\u202Ec' }])
    expect(out).toContain('a\\u{1b}[2Jb\\u{202e}c')
    expect(out).not.toMatch(/[\u001b\u202e]/)
  })
})
