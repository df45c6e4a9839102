// POST /api/funnels/persons: the persons behind a step on a hand-made history, paged, as CSV and
// Arrow; refusals naming the field; saved as a funnel_dropoff tag that the tag and customer routes
// show, that a re-save replaces (history rows and NATS messages for both changes) and that the
// profile recompute of a tagged person keeps.
import { parse } from 'csv-parse/sync'
import { tableFromIPC } from 'apache-arrow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { ADMIN_KEY, READ_KEY, sql, startTestPulse, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('funnel-persons', { now: Date.UTC(2026, 0, 12) })
})
afterAll(async () => {
  await pulse?.stop()
})

const t = (minute: number) => new Date(Date.UTC(2026, 0, 10, 12, minute)).toISOString()
const ev = (id: string, user: string, event: string, minute: number) => ({ type: 'track', messageId: id, userId: user, event, timestamp: t(minute) })
const FUNNEL = { steps: [{ event: 'View' }, { event: 'Checkout' }, { event: 'Order' }], window: '1h', from: '2026-01-10', to: '2026-01-11' }

async function post(path: string, body: unknown, key: string | null = READ_KEY): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (key) headers.authorization = `Bearer ${key}`
  return fetch(pulse.url + path, { method: 'POST', headers, body: JSON.stringify(body) })
}

async function persons(body: Record<string, unknown>, key: string | null = READ_KEY): Promise<{ status: number; json: any }> {
  const res = await post('/api/funnels/persons', { ...FUNNEL, ...body }, key)
  return { status: res.status, json: await res.json() }
}

async function get(path: string): Promise<any> {
  return (await fetch(pulse.url + path, { headers: { authorization: `Bearer ${READ_KEY}` } })).json()
}

type Listed = { person_id: string; ids: string[]; entered_at: string }
const byFirstId = (list: Listed[]) => [...list].sort((a, b) => (a.ids[0] < b.ids[0] ? -1 : 1))

beforeAll(async () => {
  const batch = [
    ev('p1', 'ann', 'View', 0), ev('p2', 'ann', 'Checkout', 5), ev('p3', 'ann', 'Order', 15),
    ev('p4', 'bob', 'View', 0),
    ev('p5', 'cid', 'View', 1), ev('p6', 'cid', 'Checkout', 30),
    // dan enters twice; the path the counts measure starts at the first entry.
    ev('p7', 'dan', 'View', 2), ev('p8', 'dan', 'View', 10), ev('p9', 'dan', 'Checkout', 20),
    ev('p10', 'eve', 'View', 3),
  ]
  expect(await sendBatch(pulse.url, JSON.stringify({ batch }))).toBe(200)
  await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) === batch.length)
  await waitFor(() => sql(pulse.url, 'SELECT uniqExact(id) AS n FROM person_ids'), (r) => Number(r[0].n) === 5)
})

describe('POST /api/funnels/persons', () => {
  it('needs a read key, and an admin key to save', async () => {
    expect((await persons({ status: 'dropped', step: 0 }, null)).status).toBe(401)
    expect((await persons({ status: 'dropped', step: 0 }, WRITE_KEY)).status).toBe(401)
    expect(await persons({ status: 'dropped', step: 0, save_as: 'x' })).toMatchObject({ status: 403, json: { error: { code: 'admin_key_required' } } })
  })

  it.each([
    [{ status: 'gone', step: 0 }, 'invalid_funnel', /^status: /],
    [{ status: 'dropped', step: 3 }, 'invalid_funnel', /^step: /],
    [{ status: 'dropped', step: 2 }, 'invalid_funnel', /^step: step 2 is the last/],
    [{ status: 'converted', step: 0, histogram: {} }, 'invalid_funnel', /^histogram: /],
    [{ status: 'converted', step: 0, save_as: 'no spaces' }, 'invalid_funnel', /^save_as: /],
    [{ status: 'converted', step: 0, format: 'xml' }, 'invalid_format', /format/],
    [{ status: 'converted', step: 0, limit: 0 }, 'invalid_limit', /limit/],
    [{ status: 'converted', step: 0, cursor: '!!' }, 'invalid_cursor', /cursor/],
  ])('refuses %j with 400 %s', async (body, code, message) => {
    const { status, json } = await persons(body)
    expect(status).toBe(400)
    expect(json.error.code).toBe(code)
    expect(json.error.message).toMatch(message)
  })

  it('lists the persons who dropped off after a step, with their ids and entry', async () => {
    const { status, json } = await persons({ status: 'dropped', step: 1 })
    expect(status).toBe(200)
    expect(byFirstId(json.persons).map((p) => [p.ids, p.entered_at])).toEqual([
      [['cid'], t(1)],
      [['dan'], t(2)],
    ])
    expect(json.next_cursor).toBeNull()
    const dropped0 = await persons({ status: 'dropped', step: 0 })
    expect(byFirstId(dropped0.json.persons).map((p) => p.ids[0])).toEqual(['bob', 'eve'])
  })

  it('pages the persons who reached a step in person id order, as JSON, CSV and Arrow', async () => {
    const pages: Listed[][] = []
    let cursor: string | null = null
    do {
      const body: Record<string, unknown> = { status: 'converted', step: 1, limit: 1, ...(cursor ? { cursor } : {}) }
      const res = await post('/api/funnels/persons', { ...FUNNEL, ...body })
      const json = (await res.json()) as { persons: Listed[]; next_cursor: string | null }
      expect(res.headers.get('pulse-next-cursor')).toBe(json.next_cursor)

      const csvRes = await post('/api/funnels/persons', { ...FUNNEL, ...body, format: 'csv' })
      expect(csvRes.headers.get('content-type')).toMatch(/^text\/csv/)
      const csvRows = parse(await csvRes.text(), { columns: true }) as Array<{ person_id: string; ids: string; entered_at: string }>
      expect(csvRows.map((r) => ({ person_id: r.person_id, ids: JSON.parse(r.ids), entered_at: r.entered_at }))).toEqual(json.persons)

      const arrowRes = await post('/api/funnels/persons', { ...FUNNEL, ...body, format: 'arrow' })
      expect(arrowRes.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream')
      const table = tableFromIPC(Buffer.from(await arrowRes.arrayBuffer()))
      expect(table.toArray().map((r) => ({ person_id: r.person_id, ids: [...r.ids], entered_at: new Date(Number(r.entered_at)).toISOString() }))).toEqual(json.persons)

      pages.push(json.persons)
      cursor = json.next_cursor
    } while (cursor)
    expect(pages.map((p) => p.length)).toEqual([1, 1, 1])
    const all = pages.flat()
    expect(all.map((p) => p.person_id)).toEqual(all.map((p) => p.person_id).sort())
    expect(byFirstId(all).map((p) => p.ids[0])).toEqual(['ann', 'cid', 'dan'])
  })
})

describe('saving the persons as a tag', () => {
  const TAG = 'funnel_dropoff:checkout'
  const SUBJECTS = 'pulse.tags.funnel_dropoff-3Acheckout.>'

  async function save(step: number): Promise<{ status: number; json: any }> {
    const res = await post('/api/funnels/persons', { ...FUNNEL, status: 'dropped', step, save_as: 'checkout' }, ADMIN_KEY)
    return { status: res.status, json: await res.json() }
  }

  async function holders(): Promise<string[]> {
    const json = await get(`/api/tags/${encodeURIComponent(TAG)}/customers`)
    return json.customers.map((c: { ids: string[] }) => c.ids[0]).sort()
  }

  it('stores them as funnel_dropoff:<name>, shown by the tag and customer routes, published on NATS', async () => {
    const sub = pulse.nc.subscribe(SUBJECTS)
    const saved = await save(0)
    expect(saved).toEqual({ status: 200, json: { saved: { tag: TAG, persons: 2, added: 2, removed: 0 } } })
    expect(await holders()).toEqual(['bob', 'eve'])
    const tags = await get('/api/tags')
    expect(tags.tags.find((x: { tag: string }) => x.tag === TAG)).toMatchObject({ layer: 'funnel', customers: 2, description: expect.stringContaining('funnel step') })
    const bob = (await get('/api/customers/bob')).customer
    expect(bob.tags.find((x: { tag: string }) => x.tag === TAG)).toMatchObject({ layer: 'funnel', reason: { funnel: ['View', 'Checkout', 'Order'], status: 'dropped', step: 0 } })

    const messages = []
    for await (const m of sub) {
      messages.push(m.json<{ ids: string[]; tag: string; change: string }>())
      if (messages.length === 2) break
    }
    expect(messages.map((m) => [m.ids[0], m.tag, m.change]).sort()).toEqual([['bob', TAG, 'added'], ['eve', TAG, 'added']])
  })

  it('replaces the set on a re-save: the persons that left lose the tag, with history rows and messages', async () => {
    const sub = pulse.nc.subscribe(SUBJECTS)
    const saved = await save(1)
    expect(saved.json).toEqual({ saved: { tag: TAG, persons: 2, added: 2, removed: 2 } })
    expect(await holders()).toEqual(['cid', 'dan'])
    const history = await sql<{ id: string; change: string }>(pulse.url, 'SELECT ids[1] AS id, change FROM tag_history WHERE tag = {tag:String} ORDER BY id, recorded_at, change', { tag: TAG })
    expect(history.map((h) => [h.id, h.change])).toEqual([['bob', 'added'], ['bob', 'removed'], ['cid', 'added'], ['dan', 'added'], ['eve', 'added'], ['eve', 'removed']])
    const messages = []
    for await (const m of sub) {
      messages.push(m.json<{ ids: string[]; change: string }>())
      if (messages.length === 4) break
    }
    expect(messages.map((m) => [m.ids[0], m.change]).sort()).toEqual([['bob', 'removed'], ['cid', 'added'], ['dan', 'added'], ['eve', 'removed']])
  })

  it('survives the profile recompute of a person holding it', async () => {
    const cid = (await get('/api/customers/cid')).customer.person_id as string
    const version = async () => Number((await sql<{ v: number }>(pulse.url, 'SELECT max(version) AS v FROM person_profiles WHERE person_id = {p:String}', { p: cid }))[0].v)
    const before = await version()
    expect(await sendBatch(pulse.url, JSON.stringify({ batch: [ev('p11', 'cid', 'Login', 40)] }))).toBe(200)
    expect(await waitFor(version, (v) => v > before)).toBeGreaterThan(before)
    expect(await holders()).toEqual(['cid', 'dan'])
  })
})
