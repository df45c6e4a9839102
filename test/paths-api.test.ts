// POST /api/paths: hand-made histories with their Sankey written out (derived by hand beside
// each), the session split exactly at the gap, repeats collapsed, both anchors, the "other" node,
// a merged identity counted once, and refusals naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FixedClock } from '../pipelines/clock.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { postJson } from './helpers/api-calls.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { READ_KEY, sql, startTestPulse, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

// The range defaults to the 30 days before now: 2025-12-12 .. 2026-01-11 (excluded).
const NOW = Date.UTC(2026, 0, 11)
const at = (h: number, m: number, s = 0) => new Date(Date.UTC(2026, 0, 10, h, m, s)).toISOString()
const track = (id: string, user: { userId?: string; anonymousId?: string }, event: string, timestamp: string) => ({ type: 'track', messageId: id, ...user, event, timestamp })

// Sessions (a gap of 30 minutes or more starts one; a repeat of the event before is dropped):
//   ann  [Home, Search, Product]   (Home twice; Product 12:10, Checkout 12:40: exactly 30 m, split)
//        [Checkout, Product]       (her Home at 2026-01-11 00:00 is at `to`, outside the range)
//   bob  [Home, Product, Search, Product]   (12:00 -> 12:29:59 stays one session)
//   cid  [Home, Search, Product, Cart]      (anonymous, then identified: one person)
//   dee  [Search, Product, Home]
//   eve  [Home]
const HISTORY = [
  track('a1', { userId: 'ann' }, 'Home', at(12, 0)), track('a2', { userId: 'ann' }, 'Home', at(12, 1)),
  track('a3', { userId: 'ann' }, 'Search', at(12, 5)), track('a4', { userId: 'ann' }, 'Product', at(12, 10)),
  track('a5', { userId: 'ann' }, 'Checkout', at(12, 40)), track('a6', { userId: 'ann' }, 'Product', at(12, 45)),
  track('a7', { userId: 'ann' }, 'Home', new Date(NOW).toISOString()),
  track('b1', { userId: 'bob' }, 'Home', at(12, 0)), track('b2', { userId: 'bob' }, 'Product', at(12, 29, 59)),
  track('b3', { userId: 'bob' }, 'Search', at(12, 30)), track('b4', { userId: 'bob' }, 'Product', at(12, 35)),
  track('c1', { anonymousId: 'anon-cid' }, 'Home', at(12, 0)), track('c2', { anonymousId: 'anon-cid' }, 'Search', at(12, 2)),
  { type: 'identify', messageId: 'c3', anonymousId: 'anon-cid', userId: 'cid', timestamp: at(12, 3) },
  track('c4', { userId: 'cid' }, 'Product', at(12, 4)), track('c5', { userId: 'cid' }, 'Cart', at(12, 5)),
  track('d1', { userId: 'dee' }, 'Search', at(12, 0)), track('d2', { userId: 'dee' }, 'Product', at(12, 1)), track('d3', { userId: 'dee' }, 'Home', at(12, 2)),
  track('e1', { userId: 'eve' }, 'Home', at(13, 0)),
]

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('paths-api', {}, { clock: new FixedClock(NOW) })
  expect(await sendBatch(pulse.url, JSON.stringify({ batch: HISTORY }))).toBe(200)
  await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) === HISTORY.length)
  await waitFor(() => sql(pulse.url, "SELECT uniqExact(person_id) AS p, count() AS n FROM person_ids WHERE id IN ('anon-cid', 'cid')"), (r) => Number(r[0].n) === 2 && Number(r[0].p) === 1)
})
afterAll(async () => {
  await pulse?.stop()
})

async function post(body: unknown, key: string | null = READ_KEY): Promise<{ status: number; json: any }> {
  return postJson(pulse.url, '/api/paths', body, key)
}

const node = (step: number, event: string | null, paths: number, dropOff: number) => ({ id: `${step}_${event ?? '$other'}`, step, event, paths, drop_off: dropOff })
const link = (source: string, target: string, value: number) => ({ source, target, value })

describe('POST /api/paths', () => {
  it('needs a read key', async () => {
    expect((await post({}, null)).status).toBe(401)
    expect((await post({}, WRITE_KEY)).status).toBe(401)
  })

  it('folds all but the top events of each step into "other", from each session start', async () => {
    const { status, json } = await post({ steps: 3, top: 2 })
    expect(status).toBe(200)
    // Step 1: Home 4 (ann 1st, bob, cid, eve), Checkout 1, Search 1 (dee): the tie goes by name,
    //   so Search is "other". Step 2: Product 3 (ann 2nd, bob, dee), Search 2 (ann 1st, cid).
    //   Step 3: Product 2 (ann 1st, cid), Home 1 (dee), Search 1 (bob): Search is "other".
    // Drop-offs: eve at Home; ann's 2nd session at Product (step 2); ann's 1st at Product and dee
    //   at Home (step 3); bob and cid go on past step 3, so they are cut, not dropped.
    expect(json).toEqual({
      direction: 'forward', anchor: null, persons: 5, paths: 6,
      nodes: [
        node(1, 'Home', 4, 1), node(1, 'Checkout', 1, 0), node(1, null, 1, 0),
        node(2, 'Product', 3, 1), node(2, 'Search', 2, 0),
        node(3, 'Product', 2, 1), node(3, 'Home', 1, 1), node(3, null, 1, 0),
      ],
      links: [
        link('1_Home', '2_Search', 2), link('1_$other', '2_Product', 1), link('1_Checkout', '2_Product', 1), link('1_Home', '2_Product', 1),
        link('2_Search', '3_Product', 2), link('2_Product', '3_$other', 1), link('2_Product', '3_Home', 1),
      ],
    })
  })

  it('starts at the first start_event of each session', async () => {
    const { json } = await post({ start_event: 'Search', steps: 2, from: '2026-01-10', to: '2026-01-11' })
    // Sessions with Search: ann 1st [Search, Product], bob [Search, Product], cid [Search, Product,
    // Cart], dee [Search, Product, Home]; ann and bob end at Product, cid and dee are cut.
    expect(json).toEqual({
      direction: 'forward', anchor: 'Search', persons: 4, paths: 4,
      nodes: [node(1, 'Search', 4, 0), node(2, 'Product', 4, 2)],
      links: [link('1_Search', '2_Product', 4)],
    })
  })

  it('leads backward to the first end_event of each session', async () => {
    const { json } = await post({ end_event: 'Product', steps: 3, from: '2026-01-10', to: '2026-01-11' })
    // Read back from the first Product: ann [Product, Search, Home] and [Product, Checkout], bob
    // [Product, Home], cid [Product, Search, Home], dee [Product, Search]. A drop-off here is a
    // session that began at the node. Links go forward in time: from step k + 1 to step k.
    expect(json).toEqual({
      direction: 'backward', anchor: 'Product', persons: 4, paths: 5,
      nodes: [node(1, 'Product', 5, 0), node(2, 'Search', 3, 1), node(2, 'Checkout', 1, 1), node(2, 'Home', 1, 1), node(3, 'Home', 2, 2)],
      links: [link('2_Search', '1_Product', 3), link('2_Checkout', '1_Product', 1), link('2_Home', '1_Product', 1), link('3_Home', '2_Search', 2)],
    })
  })

  it('keeps only include_events, splitting and collapsing what is left', async () => {
    const { json } = await post({ steps: 2, include_events: ['Home', 'Product'], from: '2026-01-10', to: '2026-01-11' })
    // ann [Home, Product] and [Product] (Product 12:10 -> 12:45 without Checkout between: 35 m),
    // bob [Home, Product] (Product, Product once Search is gone), cid [Home, Product],
    // dee [Product, Home], eve [Home].
    expect(json).toEqual({
      direction: 'forward', anchor: null, persons: 5, paths: 6,
      nodes: [node(1, 'Home', 4, 1), node(1, 'Product', 2, 1), node(2, 'Product', 3, 3), node(2, 'Home', 1, 1)],
      links: [link('1_Home', '2_Product', 3), link('1_Product', '2_Home', 1)],
    })
  })

  it('refuses a broken body with 400 naming the field', async () => {
    expect(await post('{"steps":')).toMatchObject({ status: 400, json: { error: { code: 'malformed_json' } } })
    const cases: Array<[unknown, string]> = [
      [{ start_event: 'Home', end_event: 'Product' }, 'end_event'],
      [{ steps: 1 }, 'steps'],
      [{ steps: 2.5 }, 'steps'],
      [{ top: 0 }, 'top'],
      [{ session_gap: '30 minutes' }, 'session_gap'],
      [{ include_events: ['Home', ''] }, 'include_events[1]'],
      [{ start_event: 'Cart', include_events: ['Home'] }, 'start_event'],
      [{ end_event: 'Cart', exclude_events: ['Cart'] }, 'end_event'],
      [{ from: '2026-01-10', to: '2026-01-09' }, 'from'],
      [{ to: '2026-01-10T00:00:00' }, 'to'],
      [{ anchor: 'Home' }, 'anchor'],
    ]
    for (const [body, field] of cases) {
      const { status, json } = await post(body)
      expect([field, status, json.error.code, json.error.message.startsWith(`${field}: `)]).toEqual([field, 400, 'invalid_paths', true])
    }
  })
})
