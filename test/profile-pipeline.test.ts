// Profiles end to end through a real Pulse: events sent by a Segment client become one person
// with features and tags, tag changes reach a NATS subscriber and a signed webhook after the
// event's acceptance, and the tags that change with time alone change when the clock moves and
// POST /api/tags/refresh sweeps.
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from '@nats-io/transport-node'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseProfilesConfig } from '../models/tags/profiles-config.ts'
import { FixedClock } from '../pipelines/clock.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { ADMIN_KEY, READ_KEY, WRITE_KEY, basicAuth, postJson, startTestPulse, waitFor } from './helpers/test-pulse.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const T0 = Date.UTC(2026, 2, 2, 9)
const SECRET = 'a-webhook-secret-of-some-length'

let pulse: RunningPulse
let nc: NatsConnection
let sub: Subscription
const onNats: Array<{ subject: string; body: Record<string, unknown> }> = []
const onWebhook: Array<{ body: Record<string, unknown>; valid: boolean }> = []
let receiver: Server
const clock = new FixedClock(T0)

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = ''
    req.on('data', (c) => (text += c))
    req.on('end', () => {
      const expected = 'sha256=' + createHmac('sha256', SECRET).update(`${req.headers['pulse-timestamp']}.${text}`).digest('hex')
      onWebhook.push({ body: JSON.parse(text), valid: req.headers['pulse-signature'] === expected })
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  const settings = parseProfilesConfig({ webhooks: [{ subjects: 'pulse.tags.>', url, secret: SECRET }] })
  if (!settings.ok) throw new Error(settings.errors.join('; '))
  pulse = await startTestPulse('profile-pipeline', { profilesSettings: settings.config, tagSweepSeconds: 0 }, { clock })
  nc = await connect({ servers: pulse.natsUrl })
  sub = nc.subscribe('pulse.>')
  void (async () => {
    for await (const m of sub) onNats.push({ subject: m.subject, body: m.json() })
  })()
})

afterAll(async () => {
  await nc?.close()
  await pulse?.stop()
  receiver?.close()
})

async function send(batch: Array<Record<string, unknown>>): Promise<void> {
  // No sentAt: the events' own times are kept (the fixed clock is in the past, the receive time is not).
  const res = await postJson(pulse.url + '/v1/batch', { batch }, { authorization: basicAuth(WRITE_KEY) })
  expect(res.status).toBe(200)
}

let seq = 0
const at = (ms: number) => new Date(ms).toISOString()
const track = (userId: string, event: string, ts: number, properties: Record<string, unknown> = {}) => ({ type: 'track', userId, event, properties, timestamp: at(ts), messageId: `m-${seq++}` })

async function customer(id: string): Promise<{ status: number; customer?: { person_id: string; ids: string[]; tags: Array<{ tag: string }>; features: Record<string, unknown> } }> {
  const res = await fetch(`${pulse.url}/api/customers/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${READ_KEY}` } })
  return { status: res.status, ...(res.ok ? ((await res.json()) as object) : {}) }
}
const tagsOf = (c: Awaited<ReturnType<typeof customer>>) => (c.customer?.tags ?? []).map((t) => t.tag).sort()

async function refresh(): Promise<{ tag_changes: number }> {
  const res = await fetch(pulse.url + '/api/tags/refresh', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } })
  expect(res.status).toBe(200)
  return ((await res.json()) as { sweep: { tag_changes: number } }).sweep
}

describe('a person built from a Segment client', () => {
  it('stitches the anonymous visit to the user, tags it, and publishes the changes', async () => {
    const anon = 'anon-7'
    await send([{ type: 'page', anonymousId: anon, name: 'Home', properties: { category: 'coding' }, timestamp: at(T0 - 5 * DAY), messageId: `m-${seq++}` }])
    await send([
      { type: 'identify', userId: 'u-7', anonymousId: anon, traits: { region: 'north', age_band: '25-34' }, timestamp: at(T0 - 4 * DAY), messageId: `m-${seq++}` },
      ...[1, 2, 3, 4, 5].map((d) => track('u-7', 'Logged In', T0 - d * HOUR)),
      ...[10, 20, 30].map((d) => track('u-7', 'Order Completed', T0 - d * DAY / 10, { revenue: 40, coupon: 'SAVE10', category: 'coding' })),
      track('u-7', 'Complaint Filed', T0 - HOUR, { complaint_id: 'c-1', severity: 'major' }),
    ])
    const c = await waitFor(() => customer(anon), (c) => tagsOf(c).includes('complaint_pending'))
    expect(c.customer!.ids.sort()).toEqual([anon, 'u-7'])
    expect(tagsOf(c)).toEqual(expect.arrayContaining(['region:north', 'age_band:25-34', 'high_frequency', 'price_sensitive', 'complaint_pending', 'favourite_category:coding', 'lifecycle:new']))
    expect(tagsOf(c)).not.toContain('sla_breached')
    // The same person answers under either id.
    expect((await customer('u-7')).customer!.person_id).toBe(c.customer!.person_id)
    const added = await waitFor(async () => onNats.filter((m) => m.subject.startsWith('pulse.tags.') && m.body.person_id === c.customer!.person_id), (m) => m.some((x) => x.body.tag === 'complaint_pending'))
    expect(added.find((m) => m.body.tag === 'complaint_pending')).toMatchObject({ subject: 'pulse.tags.complaint_pending.added', body: { change: 'added', at: at(T0) } })
    const hooked = await waitFor(async () => onWebhook, (w) => w.some((x) => x.body.tag === 'complaint_pending'))
    expect(hooked.every((w) => w.valid)).toBe(true)
  })

  it('breaches the SLA and goes silent when only the clock moves, on a sweep', async () => {
    // The complaint was filed at T0 - 1 h; a major one is due 2 h later, at T0 + 1 h.
    clock.set(T0 + HOUR - 1)
    await refresh()
    expect(tagsOf(await customer('u-7'))).not.toContain('sla_breached')
    clock.set(T0 + HOUR)
    await refresh()
    expect(tagsOf(await customer('u-7'))).toContain('sla_breached')
    const alert = await waitFor(async () => onNats.filter((m) => m.subject === 'pulse.alerts.sla'), (a) => a.length > 0)
    expect(alert[0].body).toMatchObject({ kind: 'sla' })
    clock.set(T0 - HOUR + 7 * DAY) // the last activity event (the complaint) + 7 days
    await refresh()
    const later = tagsOf(await customer('u-7'))
    expect(later).toContain('silent')
    expect(later).not.toContain('high_frequency')
    const removed = onNats.find((m) => m.subject === 'pulse.tags.high_frequency.removed')
    expect(removed?.body).toMatchObject({ change: 'removed', tag: 'high_frequency' })
  })

  it('resolves the complaint: the pending and breached tags go with the next event', async () => {
    await send([track('u-7', 'Complaint Resolved', clock.now() - HOUR, { complaint_id: 'c-1', severity: 'major' })])
    const c = await waitFor(() => customer('u-7'), (c) => !tagsOf(c).includes('complaint_pending'))
    expect(tagsOf(c)).not.toContain('sla_breached')
    expect(tagsOf(c)).not.toContain('silent')
  })
})

describe('service quality', () => {
  const get = async (route: string) => {
    const res = await fetch(pulse.url + route, { headers: { authorization: `Bearer ${READ_KEY}` } })
    expect(res.status).toBe(200)
    return res.json() as Promise<Record<string, unknown>>
  }
  it('lists the complaint with its deadline, resolution time and breach', async () => {
    const body = await get(`/api/service/complaints?from=${at(T0 - DAY)}&to=${at(T0 + DAY)}`)
    const resolvedAt = T0 - HOUR + 7 * DAY - HOUR
    expect(body.complaints).toEqual([
      { person_id: expect.stringMatching(/^p_/), complaint_id: 'c-1', severity: 'major', filed_at: at(T0 - HOUR), deadline: at(T0 + HOUR), resolved_at: at(resolvedAt), resolution_hours: Math.round(((resolvedAt - (T0 - HOUR)) / HOUR) * 100) / 100, breached: true },
    ])
  })
  it('gives NPS per week: promoters minus detractors over answers', async () => {
    const monday = Date.UTC(2026, 2, 16, 12) // a Monday
    await send([track('u-7', 'NPS Submitted', monday, { score: 10 }), track('u-7', 'NPS Submitted', monday + DAY, { score: 3 }), track('u-7', 'NPS Submitted', monday + 2 * DAY, { score: 8 })])
    const body = await waitFor(() => get(`/api/service/nps?period=week&from=2026-03-16&to=2026-03-23`), (b) => (b.nps as unknown[]).length > 0)
    expect(body.nps).toEqual([{ period_start: '2026-03-16', answers: 3, promoters: 1, passives: 1, detractors: 1, nps: 0 }])
    const bad = await fetch(pulse.url + '/api/service/nps?period=year', { headers: { authorization: `Bearer ${READ_KEY}` } })
    expect(bad.status).toBe(400)
  })
})

describe('GET /api/customers/:id with long ids', () => {
  it('answers ids of up to 200 characters (the longest stored) in Pulse\'s own error shape', async () => {
    const long = 'é'.repeat(200)
    const res = await fetch(`${pulse.url}/api/customers/${encodeURIComponent(long)}`, { headers: { authorization: `Bearer ${READ_KEY}` } })
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([404, 'unknown_customer'])
  })
})

describe('POST /api/tags/refresh', () => {
  const post = (key: string, body?: string) => fetch(pulse.url + '/api/tags/refresh', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body })
  it('needs an admin key', async () => {
    expect((await post(READ_KEY)).status).toBe(403)
    expect((await post('nope')).status).toBe(401)
  })
  it('refuses a body it does not understand, naming the field', async () => {
    for (const [body, code] of [['{', 'malformed_json'], ['[]', 'invalid_body'], ['{"everyone":"yes"}', 'invalid_everyone'], ['{"all":true}', 'unknown_field']]) {
      const res = await post(ADMIN_KEY, body)
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([400, code])
    }
  })
  it('recomputes everyone when asked', async () => {
    const res = await post(ADMIN_KEY, '{"everyone":true}')
    expect(((await res.json()) as { sweep: { everyone: boolean; persons: number } }).sweep).toMatchObject({ everyone: true, persons: 1 })
  })
})

