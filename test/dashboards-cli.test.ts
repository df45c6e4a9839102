// `pulse dashboards` mistakes end in one line on stderr saying what is wrong and what to do, exit
// status 1, no stack trace, and nothing written: a config file with unknown keys or that is not
// JSON, a date that does not exist, an empty range, a data folder without Pulse data.
import { execFile } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from './helpers/test-pulse.ts'

const run = promisify(execFile)
const cli = path.resolve(import.meta.dirname, '../pipelines/pulse.mjs')

async function dashboards(...args: string[]): Promise<{ code: number; stderr: string }> {
  return run(process.execPath, [cli, 'dashboards', ...args], { timeout: 30_000 }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr.trim() }),
  )
}

describe('pulse dashboards usage errors', () => {
  const dir = tempDir('dashboards-cli')
  const missing = path.join(dir, 'no-pulse-here')
  const out = path.join(dir, 'out')

  it('a config with an unknown key or page names each problem', async () => {
    const file = path.join(dir, 'dashboards.json')
    writeFileSync(file, JSON.stringify({ pages: ['overview', 'funnel'], colour: 'red' }))
    const r = await dashboards('--data-dir', missing, '--out', out, '--config', file)
    expect(r).toEqual({ code: 1, stderr: `pulse: --config ${file} has 2 problems: colour: unknown key; allowed: title, pages, range_days, nps_period, histogram_bins, funnels, retention, lifecycle; pages[1]: unknown page "funnel"; pages: overview, funnels, retention, customer_value, churn, tags_service` })
    writeFileSync(file, '{ "pages": [')
    expect((await dashboards('--data-dir', missing, '--config', file)).stderr).toMatch(new RegExp(`^pulse: --config ${file} is not JSON \\(.+\\): fix the file$`))
  })

  it('a range the Retention page cannot draw is refused in one line before anything is written', async () => {
    const file = path.join(dir, 'century.json')
    writeFileSync(file, JSON.stringify({ range_days: 36500 }))
    const r = await dashboards('--data-dir', missing, '--out', path.join(dir, 'century-out'), '--config', file)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^pulse: the Retention page cannot draw .* with the config's retention \(from: the range holds \d+ weeks.*choose a longer retention\.period/)
    expect(existsSync(path.join(dir, 'century-out'))).toBe(false)
  })

  it('dates that do not exist and an empty range are refused', async () => {
    expect(await dashboards('--data-dir', missing, '--from', '2026-02-30')).toEqual({ code: 1, stderr: 'pulse: --from "2026-02-30" must be a date that exists, like 2026-01-01, or an ISO-8601 time with a zone, like 2026-01-01T00:00:00Z' })
    expect((await dashboards('--data-dir', missing, '--from', '2026-03-01', '--to', '2026-02-01')).stderr).toBe('pulse: --from (2026-03-01T00:00:00.000Z) must be before --to (2026-02-01T00:00:00.000Z)')
  })

  it('a data folder without Pulse data is named, and no output folder is made', async () => {
    expect(await dashboards('--data-dir', missing, '--out', out)).toEqual({ code: 1, stderr: `pulse: there is no Pulse data in ${missing}: check --data-dir (or PULSE_DATA_DIR), or pass --url of a running Pulse` })
    expect(existsSync(out)).toBe(false)
    expect(existsSync(missing)).toBe(false)
  })
})
