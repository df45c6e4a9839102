// A person its run creates is counted from the run's own fact lines, not read back from the engine
// (README, Rolling features): right for a new person, and not used for a new person that absorbed
// an older one in the same run (its ids bring facts stored before), whose features must cover the
// older person's events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { READ_KEY, WRITE_KEY, basicAuth, postJson, startTestPulse, waitFor } from './helpers/test-pulse.ts'

const HOUR = 3_600_000
const T0 = Math.floor(Date.now() / HOUR) * HOUR
let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('profile-own-facts')
})
afterAll(async () => {
  await pulse?.stop()
})

let seq = 0
const at = (ms: number) => new Date(ms).toISOString()
const login = (anonymousId: string, hoursAgo: number) => ({ type: 'track', event: 'Logged In', anonymousId, timestamp: at(T0 - hoursAgo * HOUR), messageId: `of-${seq++}` })

async function send(batch: Array<Record<string, unknown>>): Promise<void> {
  expect((await postJson(pulse.url + '/v1/batch', { batch }, { authorization: basicAuth(WRITE_KEY) })).status).toBe(200)
}

type Customer = { customer?: { person_id: string; ids: string[]; tags: Array<{ tag: string }>; features: { logins7d: number } } }
async function customer(id: string): Promise<Customer> {
  const res = await fetch(`${pulse.url}/api/customers/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${READ_KEY}` } })
  return res.ok ? ((await res.json()) as Customer) : {}
}

describe('features of the persons a run creates', () => {
  it('count the run\'s own events for a new person', async () => {
    await send([1, 2, 3, 4, 5].map((h) => login('fresh', h)))
    // The customer answers once its ids are stored; its tags once its profile run stored them.
    const c = await waitFor(() => customer('fresh'), (c) => (c.customer?.tags.length ?? 0) > 0)
    expect(c.customer!.features.logins7d).toBe(5)
    expect(c.customer!.tags.map((t) => t.tag)).toContain('high_frequency')
  })

  it('cover the stored events of an older person it absorbed in the same run', async () => {
    await send([1, 2, 3, 4, 5].map((h) => login('old-device', h)))
    expect((await waitFor(() => customer('old-device'), (c) => (c.customer?.tags.length ?? 0) > 0)).customer!.features.logins7d).toBe(5)
    // One run: a new device identifies as a new user (a new person), then the old device as the
    // same user: the old, anonymous person is merged into the new, identified one.
    await send([
      { type: 'identify', anonymousId: 'new-device', userId: 'u-own', timestamp: at(T0 - HOUR / 2), messageId: `of-${seq++}` },
      { type: 'identify', anonymousId: 'old-device', userId: 'u-own', timestamp: at(T0 - HOUR / 4), messageId: `of-${seq++}` },
    ])
    const tagged = await waitFor(() => customer('u-own'), (c) => (c.customer?.tags.length ?? 0) > 0)
    expect(tagged.customer!.ids.sort()).toEqual(['new-device', 'old-device', 'u-own'])
    expect(tagged.customer!.features.logins7d).toBe(5)
    expect(tagged.customer!.tags.map((t) => t.tag)).toContain('high_frequency')
  })
})
