// The two funnel walks on heavy persons: the greedy walk (ordered, no exclusion, step window or
// held property) must answer what the frames walk answers (the same request with an exclusion of
// an event nobody sends takes that walk), within the query limits, however many entries a person
// has: its chains advance by a sort per step, not by comparing every chain with every event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { READ_KEY, sql, startTestPulse, waitFor } from './helpers/test-pulse.ts'

let pulse: RunningPulse

async function funnel(body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(pulse.url + '/api/funnels', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

const onFrames = (body: Record<string, unknown>) => ({ ...body, exclusions: [{ event: 'Never Sent', from_step: 0, to_step: 1 }] })

/** One id's events straight into the engine: `count` pairs of A then B (1 s later), `gapMs` apart. */
async function insertPairs(source: string, user: string, [a, b]: [string, string], startMs: number, count: number, gapMs: number): Promise<number> {
  const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
  const rows = []
  for (let i = 0; i < count; i++) {
    const t = startMs + i * gapMs
    rows.push({ source, message_id: `${user}-a-${i}`, type: 'track', event: a, user_id: user, ts: iso(t), original_ts: iso(t), received_at: iso(t), properties: '{}' })
    rows.push({ source, message_id: `${user}-b-${i}`, type: 'track', event: b, user_id: user, ts: iso(t + 1000), original_ts: iso(t + 1000), received_at: iso(t + 1000), properties: '{}' })
  }
  await pulse.clickhouse.client.insert({ table: 'events', format: 'JSONEachRow', values: rows })
  return rows.length
}

beforeAll(async () => {
  pulse = await startTestPulse('funnel-walks')
})
afterAll(async () => {
  await pulse?.stop()
})

describe('the greedy and the frames walk', () => {
  it('answer the same for an id with 14,400 entries in the range (a bot), within the memory limit', async () => {
    const stored = await insertPairs('bot', 'bot-1', ['Bot A', 'Bot B'], Date.parse('2026-06-01T00:00:00Z'), 14_400, 600_000)
    await waitFor(() => sql(pulse.url, "SELECT count() AS n FROM events_by_day WHERE source = 'bot'"), (r) => Number(r[0].n) === stored)
    const body = { steps: [{ event: 'Bot A' }, { event: 'Bot B' }], window: '1m', from: '2026-06-01', to: '2026-09-10' }
    const greedy = await funnel(body)
    expect(greedy.status, JSON.stringify(greedy.json)).toBe(200)
    expect(greedy.json).toEqual((await funnel(onFrames(body))).json)
    expect((greedy.json as { steps: Array<{ persons: number }> }).steps.map((s) => s.persons)).toEqual([1, 1])
  })
})
