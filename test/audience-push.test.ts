// Audience change sets pushed to a webhook: a Pulse with --audience-push-seconds 1 and a webhook on
// pulse.audiences.> POSTs each non-empty change set, signed, with cursors that chain from one push
// to the next, and the persons who joined and left as the stored tags moved.
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseProfilesConfig } from '../models/tags/profiles-config.ts'
import { FixedClock } from '../pipelines/clock.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { ADMIN_KEY, WRITE_KEY, basicAuth, postJson, sql, startTestPulse, untilProcessed, waitFor } from './helpers/test-pulse.ts'

const T0 = Date.UTC(2026, 10, 3, 12)
const SECRET = 'an-audience-webhook-secret'
let pulse: RunningPulse
let receiver: Server

interface Pushed {
  subject: string
  valid: boolean
  body: { audience: string; joined: Array<{ person_id: string; ids: string[] }>; left: Array<{ person_id: string }>; members: number; cursor: string | null; next_cursor: string; part: number; parts: number }
}
const received: Pushed[] = []

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = ''
    req.on('data', (c) => (text += c))
    req.on('end', () => {
      const expected = 'sha256=' + createHmac('sha256', SECRET).update(`${req.headers['pulse-timestamp']}.${text}`).digest('hex')
      received.push({ subject: String(req.url), valid: req.headers['pulse-signature'] === expected, body: JSON.parse(text) })
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/audiences`
  const settings = parseProfilesConfig({ webhooks: [{ subjects: 'pulse.audiences.>', url, secret: SECRET }] })
  if (!settings.ok) throw new Error(settings.errors.join('; '))
  pulse = await startTestPulse('audience-push', { profilesSettings: settings.config, tagSweepSeconds: 0, audiencePushSeconds: 1 }, { clock: new FixedClock(T0) })
})
afterAll(async () => {
  await pulse?.stop()
  receiver?.close()
})

let step = 0
async function setRegion(changes: Array<[string, string]>): Promise<void> {
  const batch = changes.map(([userId, region]) => ({ type: 'identify', userId, traits: { region }, timestamp: new Date(T0 - 3_600_000 + step++ * 60_000).toISOString(), messageId: `r-${step}` }))
  expect((await postJson(pulse.url + '/v1/batch', { batch }, { authorization: basicAuth(WRITE_KEY) })).status).toBe(200)
  await untilProcessed(pulse)
}

async function holders(tag: string): Promise<string[]> {
  return (await sql<{ person_id: string }>(pulse.url, 'SELECT person_id FROM person_tags WHERE active = 1 AND tag = {tag:String} ORDER BY person_id', { tag })).map((r) => r.person_id)
}

describe('audience push', () => {
  it('posts each change set to the webhook, signed, with chained cursors', async () => {
    await setRegion([['a1', 'north'], ['a2', 'north'], ['a3', 'south']])
    const res = await postJson(pulse.url + '/api/audiences', { name: 'north', all: ['region:north'] }, { authorization: `Bearer ${ADMIN_KEY}` })
    expect(res.status).toBe(201)
    const north1 = await holders('region:north')
    expect(north1.length).toBe(2)
    const first = await waitFor(async () => received.filter((r) => r.body.audience === 'north'), (r) => r.length >= 1)
    expect(first[0].valid).toBe(true)
    expect(first[0].body).toMatchObject({ cursor: null, part: 1, parts: 1, members: north1.length, left: [] })
    expect(first[0].body.joined.map((m) => m.person_id).sort()).toEqual(north1)

    await setRegion([['a1', 'south'], ['a3', 'north']])
    const north2 = await holders('region:north')
    const second = await waitFor(async () => received.filter((r) => r.body.audience === 'north'), (r) => r.length >= 2)
    expect(second[1].body.cursor).toBe(first[0].body.next_cursor)
    expect(second[1].body.joined.map((m) => m.person_id)).toEqual(north2.filter((p) => !north1.includes(p)))
    expect(second[1].body.left.map((m) => m.person_id)).toEqual(north1.filter((p) => !north2.includes(p)))
    expect(second[1].body.left.length).toBe(1)
    // Pushes where nothing moved send nothing: the next message is the next move.
    await setRegion([['a2', 'west']])
    const north3 = await holders('region:north')
    const third = await waitFor(async () => received.filter((r) => r.body.audience === 'north'), (r) => r.length >= 3)
    expect(third).toHaveLength(3)
    expect(third[2].body.cursor).toBe(second[1].body.next_cursor)
    expect(third[2].body.left.map((m) => m.person_id)).toEqual(north2.filter((p) => !north3.includes(p)))
    expect(third[2].body.joined).toEqual([])
  })
})
