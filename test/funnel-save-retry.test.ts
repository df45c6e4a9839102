// A funnel save whose tag states fail to store (after its history and its messages; the first two
// funnel saves' do, by --fault-fail-tag-state-stores 2) answers 503 and can be sent again: the
// retry decides the same changes against the same stored states, so the changes stream keeps each
// change once, and the tag ends with the save's persons. Another request after a failed save is
// announced with its own messages, even where it decides the same changes.
import { jetstreamManager } from '@nats-io/jetstream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { ADMIN_KEY, READ_KEY, startTestPulse, testConfig, waitFor } from './helpers/test-pulse.ts'

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('funnel-save-retry', { now: Date.UTC(2026, 0, 12), faults: { ...testConfig('funnel-save-retry-defaults').faults, failTagStateStores: 2 } })
})
afterAll(async () => {
  await pulse?.stop()
})

const TAG = 'funnel_dropoff:retried'
const ADDED = 'pulse.tags.funnel_dropoff-3Aretried.added'
const OTHER_ADDED = 'pulse.tags.funnel_dropoff-3Aother.added'
const t = (minute: number) => new Date(Date.UTC(2026, 0, 10, 12, minute)).toISOString()
const ev = (id: string, user: string, event: string, minute: number) => ({ type: 'track', messageId: id, userId: user, event, timestamp: t(minute) })
const FUNNEL = { steps: [{ event: 'View' }, { event: 'Order' }], window: '1h', from: '2026-01-10', to: '2026-01-11' }

async function save(name = 'retried', funnel: Record<string, unknown> = FUNNEL): Promise<Response> {
  return fetch(pulse.url + '/api/funnels/persons', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ ...funnel, status: 'dropped', step: 0, save_as: name }),
  })
}

async function storedAdds(): Promise<Record<string, number>> {
  const jsm = await jetstreamManager(pulse.nc)
  const subjects = (await jsm.streams.info(pulse.config.changesStream, { subjects_filter: 'pulse.tags.*.added' })).state.subjects ?? {}
  return Object.fromEntries(Object.entries(subjects).filter(([s]) => s.startsWith('pulse.tags.funnel_dropoff-')))
}

async function holders(): Promise<string[]> {
  const res = await fetch(pulse.url + `/api/tags/${encodeURIComponent(TAG)}/customers`, { headers: { authorization: `Bearer ${READ_KEY}` } })
  return ((await res.json()) as { customers: Array<{ ids: string[] }> }).customers.map((c) => c.ids[0]).sort()
}

describe('a funnel save after its tag states failed to store', () => {
  it('answers 503 after announcing its changes, without storing the holders', async () => {
    const events = [ev('r1', 'ann', 'View', 0), ev('r2', 'ann', 'Order', 5), ev('r3', 'bob', 'View', 1), ev('r4', 'cid', 'View', 2)]
    expect(await sendBatch(pulse.url, JSON.stringify({ batch: events }))).toBe(200)
    // The persons exist once their events are profiled.
    const profiled = async () => (await fetch(pulse.url + '/api/customers/cid', { headers: { authorization: `Bearer ${READ_KEY}` } })).status
    expect(await waitFor(profiled, (s) => s === 200)).toBe(200)

    for (const name of ['retried', 'other']) {
      const failed = await save(name)
      expect(failed.status).toBe(503)
      expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('save_incomplete')
    }
    // Each failed try published its two changes before its states failed.
    expect(await waitFor(storedAdds, (s) => s[ADDED] === 2 && s[OTHER_ADDED] === 2)).toEqual({ [ADDED]: 2, [OTHER_ADDED]: 2 })
    expect(await holders()).toEqual([])
  })

  it('sent again, publishes each change once and leaves the tag with the save persons', async () => {
    const retried = await save()
    expect(await retried.json()).toEqual({ saved: { tag: TAG, persons: 2, added: 2, removed: 0 } })
    expect(await holders()).toEqual(['bob', 'cid'])
    expect((await storedAdds())[ADDED]).toBe(2)
  })

  it('announces another request with messages of its own, where it decides the same changes', async () => {
    // The same persons through a wider window: the same changes against the same states, another request.
    const wider = await save('other', { ...FUNNEL, window: '2h' })
    expect(await wider.json()).toEqual({ saved: { tag: 'funnel_dropoff:other', persons: 2, added: 2, removed: 0 } })
    expect(await storedAdds()).toEqual({ [ADDED]: 2, [OTHER_ADDED]: 4 })
  })
})
