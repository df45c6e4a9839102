// `pulse paths` and `pulse stickiness`: the same answers as the API (--json), readable tables
// without it, and a refused request reported in one line naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { postJson, runPulseCli } from './helpers/api-calls.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { sql, startTestPulse, waitFor } from './helpers/test-pulse.ts'


let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('paths-stickiness-cli')
  const at = (day: number, minute: number) => new Date(Date.UTC(2026, 2, day, 9, minute)).toISOString()
  const ev = (id: string, userId: string, event: string, day: number, minute: number) => ({ type: 'track', messageId: id, userId, event, timestamp: at(day, minute) })
  // ann: [Signed Up, Lesson Started] on 03-03, [Lesson Started] on 03-04; bob: [Signed Up] on 03-03.
  const batch = [ev('k1', 'ann', 'Signed Up', 3, 0), ev('k2', 'ann', 'Lesson Started', 3, 10), ev('k3', 'ann', 'Lesson Started', 4, 0), ev('k4', 'bob', 'Signed Up', 3, 1)]
  expect(await sendBatch(pulse.url, JSON.stringify({ batch }))).toBe(200)
  await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) === batch.length)
})
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

describe('pulse paths', () => {
  const args = ['paths', '--start', 'Signed Up', '--steps', '3', '--from', '2026-03-01', '--to', '2026-03-05']

  it('prints the API answer with --json, and tables of steps and links without', async () => {
    const json = await pulseCli(...args, '--json')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(await api('/api/paths', { start_event: 'Signed Up', steps: 3, from: '2026-03-01', to: '2026-03-05' }))

    const table = await pulseCli(...args)
    expect(table.code).toBe(0)
    expect(table.stdout.split('\n')[0]).toBe('2 paths of 2 persons, from Signed Up')
    // Nodes: step, event, paths, dropped; links: steps, from, to, paths.
    expect(cells(table.stdout)).toContainEqual(['1', 'Signed Up', '2', '1'])
    expect(cells(table.stdout)).toContainEqual(['2', 'Lesson Started', '1', '1'])
    expect(cells(table.stdout)).toContainEqual(['1 -> 2', 'Signed Up', 'Lesson Started', '1'])
  })

  it('reports a refused request in one line naming the field', async () => {
    const bad = await pulseCli('paths', '--steps', 'five')
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toMatch(/^pulse: steps: expected a whole number .*: fix the paths request$/)
  })
})

describe('pulse stickiness', () => {
  const args = ['stickiness', '--event', 'Lesson Started', '--from', '2026-03-02', '--to', '2026-03-09']

  it('prints the API answer with --json, and a table of persons per active days without', async () => {
    const json = await pulseCli(...args, '--json')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(await api('/api/stickiness', { event: 'Lesson Started', from: '2026-03-02', to: '2026-03-09' }))

    const table = await pulseCli(...args)
    expect(table.code).toBe(0)
    expect(table.stdout.split('\n')[0]).toBe('2026-03-02T00:00:00.000Z .. 2026-03-09T00:00:00.000Z (7 days): 1 person did Lesson Started')
    // ann was active on two days.
    expect(cells(table.stdout)).toContainEqual(['2', '1', '100.0%'])
    expect(cells(table.stdout)).toContainEqual(['1', '0', '0.0%'])
  })

  it('reports a missing event and a refused request in one line', async () => {
    const none = await pulseCli('stickiness')
    expect([none.code, none.stderr.trim()]).toEqual([1, 'pulse: no event: pass --event "Lesson Completed" (or a --request file)'])
    const bad = await pulseCli('stickiness', '--event', 'Lesson Started', '--period', 'fortnight')
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toMatch(/^pulse: period: expected one of day, week, month, got "fortnight": fix the stickiness request$/)
  })
})
