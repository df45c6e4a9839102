// Failing reproductions from the hostile run on customer profiles (README, Identity; Customer
// profiles and tags): an identify dated 1970 (a device with a reset clock; inside the accepted
// 1900-2299) must not stop the profiles of everyone after it, and a user id that equals another
// customer's person id must not take over that person id's lookup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { valueTag } from '../models/tags/tag-value.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { basicAuth, postJson, READ_KEY, startTestPulse, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

// One Pulse per case: the first case, while it fails, stops the profiles of its Pulse.
let pulse: RunningPulse

function ownPulse(name: string): void {
  beforeAll(async () => {
    pulse = await startTestPulse(name, { tagSweepSeconds: 0 })
  })
  afterAll(async () => {
    await pulse?.stop()
  })
}

async function send(batch: Array<Record<string, unknown>>): Promise<void> {
  const res = await postJson(pulse.url + '/v1/batch', { batch }, { authorization: basicAuth(WRITE_KEY) })
  expect(res.status).toBe(200)
}

async function customer(id: string): Promise<{ status: number; customer?: { person_id: string; ids: string[] } }> {
  const res = await fetch(`${pulse.url}/api/customers/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${READ_KEY}` } })
  return { status: res.status, ...(res.ok ? ((await res.json()) as object) : {}) }
}

describe('an identify from a device with a reset clock', () => {
  ownPulse('hostile-epoch')
  it('keeps building profiles after an identify dated 1970-01-01', async () => {
    await send([{ type: 'identify', userId: 'epoch-user', anonymousId: 'epoch-anon', timestamp: '1970-01-01T00:00:00.000Z', messageId: 'epoch-1' }])
    await send([{ type: 'identify', userId: 'later-user', anonymousId: 'later-anon', timestamp: new Date().toISOString(), messageId: 'later-1' }])
    const later = await waitFor(() => customer('later-user'), (c) => c.status === 200, 30_000)
    expect(later.customer?.ids).toEqual(['later-anon', 'later-user'])
  })
})

describe('a user id that spells a person id', () => {
  ownPulse('hostile-shadow')
  it('answers a person id with that person even when some user id spells it', async () => {
    await send([{ type: 'identify', userId: 'victim@example.com', timestamp: new Date().toISOString(), messageId: 'victim-1' }])
    const victim = await waitFor(() => customer('victim@example.com'), (c) => c.status === 200, 30_000)
    const personId = victim.customer!.person_id
    await send([{ type: 'identify', userId: personId, timestamp: new Date().toISOString(), messageId: 'shadow-1' }])
    await waitFor(() => fetch(`${pulse.url}/api/sql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` }, body: JSON.stringify({ query: 'SELECT count() AS n FROM person_ids WHERE id = {id:String}', params: { id: personId } }) }).then((r) => r.json() as Promise<{ rows: Array<{ n: number }> }>), (b) => Number(b.rows[0].n) === 1, 30_000)
    const looked = await customer(personId)
    expect(looked.customer?.ids).toEqual(['victim@example.com'])
  })
})

describe('ids and trait values with the characters TabSeparated and arrays escape', () => {
  ownPulse('hostile-escapes')
  it('stores and answers them exactly in tags, ids and the tag history', async () => {
    const id = "tab\there 'q' back\\slash\nline"
    const region = 'no\trth \\ "x" \'y\''
    await send([{ type: 'identify', userId: id, traits: { region }, timestamp: new Date().toISOString(), messageId: 'escape-1' }])
    const [tag] = valueTag('region:', region)
    const tagsOf = (c: Awaited<ReturnType<typeof customer>>) => ((c.customer as unknown as { tags?: Array<{ tag: string }> })?.tags ?? []).map((t) => t.tag)
    const found = await waitFor(() => customer(id), (c) => tagsOf(c).includes(tag), 30_000)
    expect(found.customer?.ids).toEqual([id])
    expect(tagsOf(found)).toContain(tag)
    const res = await fetch(`${pulse.url}/api/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` },
      body: JSON.stringify({ query: "SELECT ids, reason FROM tag_history WHERE tag = {tag:String} AND change = 'added'", params: { tag } }),
    })
    const { rows } = (await res.json()) as { rows: Array<{ ids: string[]; reason: string }> }
    expect(rows.map((r) => [r.ids, JSON.parse(r.reason).region])).toEqual([[[id], region]])
  })
})
