// `pulse funnel`: the same answer as the API (--json), a table with the drop-offs, and a refused
// request reported in one line naming the field.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { runPulseCli } from './helpers/api-calls.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { ADMIN_KEY, READ_KEY, sql, startTestPulse, tempDir, waitFor } from './helpers/test-pulse.ts'


let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('funnel-cli')
  const at = (minute: number) => new Date(Date.UTC(2026, 2, 3, 9, minute)).toISOString()
  const batch = [
    { type: 'track', messageId: 'c1', userId: 'ann', event: 'Signed Up', timestamp: at(0), properties: { plan: 'pro' } },
    { type: 'track', messageId: 'c2', userId: 'ann', event: 'Lesson Started', timestamp: at(10) },
    { type: 'track', messageId: 'c3', userId: 'bob', event: 'Signed Up', timestamp: at(1), properties: { plan: 'free' } },
  ]
  expect(await sendBatch(pulse.url, JSON.stringify({ batch }))).toBe(200)
  await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) === batch.length)
})
afterAll(async () => {
  await pulse?.stop()
})

const funnelArgs = ['funnel', '--steps', 'Signed Up,Lesson Started', '--window', '1h', '--from', '2026-03-03', '--to', '2026-03-04', '--breakdown', 'plan']

async function pulseCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runPulseCli(pulse.url, args)
}

describe('pulse funnel', () => {
  it('prints the API answer with --json and a table of persons and drop-offs without', async () => {
    const json = await pulseCli(...funnelArgs, '--json')
    expect(json.code).toBe(0)
    const api = await fetch(pulse.url + '/api/funnels', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` },
      body: JSON.stringify({ steps: [{ event: 'Signed Up' }, { event: 'Lesson Started' }], window: '1h', from: '2026-03-03', to: '2026-03-04', breakdown: { property: 'plan', attribution: 'first_touch' } }),
    })
    expect(JSON.parse(json.stdout)).toEqual(await api.json())

    const table = await pulseCli(...funnelArgs)
    expect(table.code).toBe(0)
    const lines = table.stdout.split('\n').map((l) => l.trim().split(/\s{2,}/))
    expect(lines).toContainEqual(['1', 'Lesson Started', '1', '50.0%', '50.0%', '1', '10.0m', '10.0m', '10.0m'])
    expect(table.stdout).toContain('plan = free')
  })

  it('prints the time-to-convert histogram and conversion by entry day', async () => {
    const out = await pulseCli(...funnelArgs, '--histogram', '--bins', '4', '--interval', 'day')
    expect(out.code).toBe(0)
    expect(out.stdout).toContain('time from step 0 to step 1: 1 persons, median 10.0m')
    const lines = out.stdout.split('\n').map((l) => l.trim().split(/\s{2,}/))
    // One conversion (600 s): a single bin from it to it.
    expect(lines).toContainEqual(['10.0m', '10.0m', '1', '#'.repeat(30)])
    expect(lines).toContainEqual(['2026-03-03', '2', '1', '50.0%'])
  })

  it('lists the persons of a step, writes them as CSV, and saves them as a tag', async () => {
    const table = await pulseCli(...funnelArgs, '--persons', 'dropped', '--step', '0')
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^p_\w+\s+bob\s+2026-03-03T09:01:00.000Z$/m)

    const file = path.join(tempDir('funnel-cli'), 'converted.csv')
    const written = await pulseCli(...funnelArgs, '--persons', 'converted', '--step', '1', '--out', file)
    expect(written.stdout.trim()).toBe(`wrote 1 persons to ${file}`)
    expect(readFileSync(file, 'utf8')).toMatch(/^person_id,ids,entered_at\r\np_\w+,"\[""ann""\]",2026-03-03T09:00:00.000Z\r\n$/)

    const saved = await pulseCli(...funnelArgs, '--persons', 'dropped', '--step', '0', '--save-as', 'signup', '--admin-key', ADMIN_KEY)
    expect(saved.stdout.trim()).toBe('saved 1 persons as tag funnel_dropoff:signup (1 added, 0 removed)')
    // A data folder without development keys, so no admin key is found anywhere.
    const readOnly = await pulseCli(...funnelArgs, '--persons', 'dropped', '--step', '0', '--save-as', 'signup', '--data-dir', tempDir('funnel-cli-no-keys'))
    expect(readOnly.code).toBe(1)
    expect(readOnly.stderr.trim()).toBe('pulse: saving a tag needs an admin key: pass --admin-key KEY (or PULSE_ADMIN_KEYS, or a --keys-file)')
  })

  it('reports a refused request in one line naming the field', async () => {
    const bad = await pulseCli('funnel', '--steps', 'Signed Up,Lesson Started', '--window', 'a week')
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toMatch(/^pulse: window: expected a duration .*: fix the funnel request$/)
  })
})
