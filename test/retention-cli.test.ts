// `pulse retention` and `pulse lifecycle`: the same answer as the API (--json), readable tables
// with the open periods marked, and a refused request reported in one line naming the field.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { postJson, runPulseCli } from './helpers/api-calls.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { sql, startTestPulse, tempDir, waitFor } from './helpers/test-pulse.ts'

// A Wednesday: the week of Monday 2026-03-09 is open.
const NOW = Date.parse('2026-03-11T12:00:00Z')

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('retention-cli', { now: NOW })
  const ev = (id: string, user: string, event: string, timestamp: string, properties: Record<string, unknown> = {}) => ({ type: 'track', messageId: id, userId: user, event, timestamp, properties })
  const batch = [
    ev('c1', 'ann', 'Signed Up', '2026-02-23T09:00:00Z', { plan: 'pro' }), // week of Feb 23
    ev('c2', 'ann', 'Lesson Started', '2026-03-03T09:00:00Z'), // the next week
    ev('c3', 'bob', 'Signed Up', '2026-02-24T09:00:00Z', { plan: 'free' }),
    ev('c4', 'bob', 'Lesson Started', '2026-03-10T09:00:00Z'), // two weeks on, the open week
  ]
  expect(await sendBatch(pulse.url, JSON.stringify({ batch }))).toBe(200)
  await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) === batch.length)
}, 60_000)
afterAll(async () => {
  await pulse?.stop()
})

async function pulseCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runPulseCli(pulse.url, args)
}

async function api(route: string, body: unknown): Promise<unknown> {
  return (await postJson(pulse.url, route, body)).json
}

const cells = (stdout: string) => stdout.split('\n').map((l) => l.trim().split(/\s{2,}/))

describe('pulse retention', () => {
  const args = ['retention', '--cohort-event', 'Signed Up', '--return-event', 'Lesson Started', '--period', 'week', '--periods', '3', '--from', '2026-02-23', '--to', '2026-03-02', '--breakdown', 'plan']

  it('prints the API answer with --json and a table of cohorts without', async () => {
    const json = await pulseCli(...args, '--json')
    expect(json.code).toBe(0)
    const body = { cohort_event: { event: 'Signed Up' }, return_event: { event: 'Lesson Started' }, period: 'week', periods: 3, from: '2026-02-23', to: '2026-03-02', breakdown: { property: 'plan' } }
    expect(JSON.parse(json.stdout)).toEqual(await api('/api/retention', body))

    const table = await pulseCli(...args)
    expect(table.code).toBe(0)
    // One cohort (the week of Feb 23) of 2: ann back the next week, bob two weeks on (the open week).
    expect(cells(table.stdout)).toContainEqual(['cohort', 'size', 'week 0', 'week 1', 'week 2'])
    expect(cells(table.stdout)).toContainEqual(['2026-02-23', '2', '0 (0.0%)', '1 (50.0%)', '1 (50.0%)*'])
    expect(table.stdout).toContain('plan = free')
    expect(table.stdout).toContain('* the week had not ended')
  })

  it('reads a whole request from --request, the flags overriding its fields', async () => {
    const file = path.join(tempDir('retention-cli-request'), 'request.json')
    writeFileSync(file, JSON.stringify({ cohort_event: { event: 'Signed Up', filters: [{ property: 'plan', op: 'eq', value: 'pro' }] }, return_event: { event: 'Lesson Started' }, period: 'day', periods: 2 }))
    const { code, stdout } = await pulseCli('retention', '--request', file, '--period', 'week', '--from', '2026-02-23', '--to', '2026-03-02')
    expect(code).toBe(0)
    // Only ann's sign-up has plan "pro"; weekly (the flag), 2 offsets (the file): back the next week.
    expect(cells(stdout)).toContainEqual(['2026-02-23', '1', '0 (0.0%)', '1 (100.0%)'])
  })

  it('reports a refused request in one line naming the field', async () => {
    const bad = await pulseCli('retention', '--cohort-event', 'Signed Up', '--periods', '60')
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toMatch(/^pulse: periods: expected a whole number from 1 to 53, got 60: fix the retention request$/)
  })
})

describe('pulse lifecycle', () => {
  it('prints the API answer with --json and a table of statuses without', async () => {
    const args = ['lifecycle', '--event', 'Lesson Started', '--period', 'week', '--from', '2026-03-02', '--to', '2026-03-11T12:00:00Z']
    const json = await pulseCli(...args, '--json')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(await api('/api/lifecycle', { event: 'Lesson Started', period: 'week', from: '2026-03-02', to: '2026-03-11T12:00:00Z' }))

    const table = await pulseCli(...args)
    expect(table.code).toBe(0)
    // Week of Mar 2: ann new. Week of Mar 9 (open): bob new, ann dormant.
    expect(cells(table.stdout).filter((row) => !row[0].startsWith('-')).slice(0, 3)).toEqual([
      ['week', 'new', 'returning', 'resurrecting', 'dormant'],
      ['2026-03-02', '1', '0', '0', '0'],
      ['2026-03-09*', '1', '0', '0', '-1'],
    ])
  })

  it('reports a refused request in one line naming the field', async () => {
    const bad = await pulseCli('lifecycle', '--event', 'Lesson Started', '--period', 'year')
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toMatch(/^pulse: period: expected one of day, week, month, got "year": fix the lifecycle request$/)
  })
})
