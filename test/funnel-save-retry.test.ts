// A funnel save whose tag states fail to store (after its history and its messages; the first
// funnel save's do, by --fault-fail-tag-state-stores 1) answers an error and can be sent again: the retry decides the same changes against the same stored states,
// so the changes stream keeps each change once, and the tag ends with the save's persons.
import { jetstreamManager } from '@nats-io/jetstream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { ADMIN_KEY, READ_KEY, startTestPulse, testConfig, waitFor } from './helpers/test-pulse.ts'

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('funnel-save-retry', { now: Date.UTC(2026, 0, 12), faults: { ...testConfig('funnel-save-retry-defaults').faults, failTagStateStores: 1 } })
})
afterAll(async () => {
  await pulse?.stop()
})

const TAG = 'funnel_dropoff:retried'
const t = (minute: number) => new Date(Date.UTC(2026, 0, 10, 12, minute)).toISOString()
const ev = (id: string, user: string, event: string, minute: number) => ({ type: 'track', messageId: id, userId: user, event, timestamp: t(minute) })
const FUNNEL = { steps: [{ event: 'View' }, { event: 'Order' }], window: '1h', from: '2026-01-10', to: '2026-01-11' }

async function save(): Promise<Response> {
  return fetch(pulse.url + '/api/funnels/persons', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ ...FUNNEL, status: 'dropped', step: 0, save_as: 'retried' }),
  })
}

async function holders(): Promise<string[]> {
  const res = await fetch(pulse.url + `/api/tags/${encodeURIComponent(TAG)}/customers`, { headers: { authorization: `Bearer ${READ_KEY}` } })
  return ((await res.json()) as { customers: Array<{ ids: string[] }> }).customers.map((c) => c.ids[0]).sort()
}

describe('a funnel save sent again after its tag states failed to store', () => {
  it('publishes each change once and leaves the tag with the save persons', async () => {
    const events = [ev('r1', 'ann', 'View', 0), ev('r2', 'ann', 'Order', 5), ev('r3', 'bob', 'View', 1), ev('r4', 'cid', 'View', 2)]
    expect(await sendBatch(pulse.url, JSON.stringify({ batch: events }))).toBe(200)
    // The persons exist once their events are profiled.
    const profiled = async () => (await fetch(pulse.url + '/api/customers/cid', { headers: { authorization: `Bearer ${READ_KEY}` } })).status
    expect(await waitFor(profiled, (s) => s === 200)).toBe(200)

    const jsm = await jetstreamManager(pulse.nc)
    const stored = async () => (await jsm.streams.info(pulse.config.changesStream, { subjects_filter: 'pulse.tags.funnel_dropoff-3Aretried.>' })).state.subjects ?? {}

    const failed = await save()
    expect(failed.status).toBeGreaterThanOrEqual(500)
    // The failed try published its two changes before its states failed.
    expect(await waitFor(stored, (s) => s['pulse.tags.funnel_dropoff-3Aretried.added'] === 2)).toEqual({ 'pulse.tags.funnel_dropoff-3Aretried.added': 2 })
    expect(await holders()).toEqual([])

    const retried = await save()
    expect(await retried.json()).toEqual({ saved: { tag: TAG, persons: 2, added: 2, removed: 0 } })
    expect(await holders()).toEqual(['bob', 'cid'])
    expect(await stored()).toEqual({ 'pulse.tags.funnel_dropoff-3Aretried.added': 2 })
  })
})
