// POST /api/funnels: keys, refusals naming the field, and a hand-made history with its table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { postJson } from './helpers/api-calls.ts'
import { sendBatch } from './helpers/event-batches.ts'
import { READ_KEY, sql, startTestPulse, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('funnel-api')
})
afterAll(async () => {
  await pulse?.stop()
})

async function post(body: unknown, key: string | null = READ_KEY): Promise<{ status: number; json: any }> {
  return postJson(pulse.url, '/api/funnels', body, key)
}

describe('POST /api/funnels', () => {
  it('needs a read key', async () => {
    expect((await post({ steps: [{ event: 'A' }, { event: 'B' }] }, null)).status).toBe(401)
    expect((await post({ steps: [{ event: 'A' }, { event: 'B' }] }, WRITE_KEY)).status).toBe(401)
  })

  it('refuses a broken body with 400 naming the field', async () => {
    expect(await post('{"steps":')).toMatchObject({ status: 400, json: { error: { code: 'malformed_json' } } })
    const bad = await post({ steps: [{ event: 'A' }, { event: 'B' }], step_windows: [null, '90 minutes'] })
    expect(bad.status).toBe(400)
    expect(bad.json.error.code).toBe('invalid_funnel')
    expect(bad.json.error.message).toMatch(/^step_windows\[1\]: /)
  })

  it('counts persons, not events, on a hand-made history', async () => {
    const t = (minute: number) => new Date(Date.UTC(2026, 0, 10, 12, minute)).toISOString()
    const ev = (id: string, user: string, event: string, minute: number, properties: Record<string, unknown> = {}) => ({ type: 'track', messageId: id, userId: user, event, timestamp: t(minute), properties })
    const batch = [
      // ann: views twice, checks out, pays 10 minutes after checkout.
      ev('f1', 'ann', 'Product Viewed', 0, { channel: 'search' }), ev('f2', 'ann', 'Product Viewed', 1, { channel: 'ads' }),
      ev('f3', 'ann', 'Checkout Started', 5), ev('f4', 'ann', 'Order Completed', 15),
      // bob: views, empties the cart, checks out: excluded between view and checkout.
      ev('f5', 'bob', 'Product Viewed', 0, { channel: 'ads' }), ev('f6', 'bob', 'Cart Emptied', 2), ev('f7', 'bob', 'Checkout Started', 3),
      // cid: views and checks out 30 minutes later.
      ev('f8', 'cid', 'Product Viewed', 0, { channel: 'search' }), ev('f9', 'cid', 'Checkout Started', 30),
    ]
    expect(await sendBatch(pulse.url, JSON.stringify({ batch }))).toBe(200)
    await waitFor(() => sql(pulse.url, 'SELECT count() AS n FROM events_by_day'), (r) => Number(r[0].n) === batch.length)
    const { status, json } = await post({
      steps: [{ event: 'Product Viewed' }, { event: 'Checkout Started' }, { event: 'Order Completed' }],
      window: '1h',
      exclusions: [{ event: 'Cart Emptied', from_step: 0, to_step: 1 }],
      breakdown: { property: 'channel', attribution: 'first_touch' },
      from: '2026-01-10',
      to: '2026-01-11',
    })
    expect(status).toBe(200)
    const row = (event: string, persons: number, fromStart: number, fromPrevious: number, dropOff: number, median: number | null, mean: number | null, p90: number | null) => ({
      event, persons, conversion_from_start: fromStart, conversion_from_previous: fromPrevious, drop_off: dropOff,
      median_seconds_from_previous: median, mean_seconds_from_previous: mean, p90_seconds_from_previous: p90,
    })
    expect(json).toEqual({
      steps: [
        row('Product Viewed', 3, 1, 1, 0, null, null, null),
        // ann 300 s (from her first view), cid 1800 s.
        row('Checkout Started', 2, 2 / 3, 2 / 3, 1, 1050, 1050, 300 + 0.9 * 1500),
        row('Order Completed', 1, 1 / 3, 1 / 2, 1, 600, 600, 600),
      ],
      breakdown: [
        {
          value: 'search',
          steps: [row('Product Viewed', 2, 1, 1, 0, null, null, null), row('Checkout Started', 2, 1, 1, 0, 1050, 1050, 300 + 0.9 * 1500), row('Order Completed', 1, 1 / 2, 1 / 2, 1, 600, 600, 600)],
        },
        {
          value: 'ads',
          steps: [row('Product Viewed', 1, 1, 1, 0, null, null, null), row('Checkout Started', 0, 0, 0, 1, null, null, null), row('Order Completed', 0, 0, 0, 0, null, null, null)],
        },
      ],
      incomplete: false,
    })
  })

  it('follows a person across the ids identify links', async () => {
    const t = (minute: number) => new Date(Date.UTC(2026, 0, 20, 8, minute)).toISOString()
    const batch = [
      { type: 'track', messageId: 'g1', anonymousId: 'anon-dee', event: 'Product Viewed', timestamp: t(0) },
      { type: 'identify', messageId: 'g2', anonymousId: 'anon-dee', userId: 'dee', timestamp: t(1) },
      { type: 'track', messageId: 'g3', userId: 'dee', event: 'Checkout Started', timestamp: t(2) },
    ]
    expect(await sendBatch(pulse.url, JSON.stringify({ batch }))).toBe(200)
    await waitFor(() => sql(pulse.url, "SELECT count() AS n FROM person_ids WHERE id IN ('anon-dee', 'dee')"), (r) => Number(r[0].n) === 2)
    await waitFor(() => sql(pulse.url, "SELECT count() AS n FROM events_by_day WHERE message_id LIKE 'g%'"), (r) => Number(r[0].n) === 3)
    const { json } = await post({ steps: [{ event: 'Product Viewed' }, { event: 'Checkout Started' }], window: '1h', from: '2026-01-20', to: '2026-01-21' })
    expect(json.steps.map((s: { persons: number }) => s.persons)).toEqual([1, 1])
  })

  it('keeps a window longer than 2^31 ms to the millisecond', async () => {
    const start = Date.UTC(2026, 2, 1, 9, 0, 0, 250)
    const window = 30 * 86_400_000
    const at = (ms: number) => new Date(start + ms).toISOString()
    const batch = [
      // joy pays at the window's last millisecond; kim half a second past it, in the same second.
      { type: 'track', messageId: 'w1', userId: 'joy', event: 'Trial Started', timestamp: at(0) },
      { type: 'track', messageId: 'w2', userId: 'joy', event: 'Plan Paid', timestamp: at(window) },
      { type: 'track', messageId: 'w3', userId: 'kim', event: 'Trial Started', timestamp: at(0) },
      { type: 'track', messageId: 'w4', userId: 'kim', event: 'Plan Paid', timestamp: at(window + 500) },
    ]
    expect(await sendBatch(pulse.url, JSON.stringify({ batch }))).toBe(200)
    await waitFor(() => sql(pulse.url, "SELECT count() AS n FROM events_by_day WHERE message_id LIKE 'w%'"), (r) => Number(r[0].n) === 4)
    const { status, json } = await post({ steps: [{ event: 'Trial Started' }, { event: 'Plan Paid' }], window: '30d', from: '2026-03-01', to: '2026-03-02' })
    expect([status, json.steps?.map((s: { persons: number }) => s.persons)]).toEqual([200, [2, 1]])
  })

  it('compares with numbers past 2^53 in filters', async () => {
    const t = (minute: number) => new Date(Date.UTC(2026, 0, 25, 8, minute)).toISOString()
    const batch = [
      { type: 'track', messageId: 'h1', userId: 'big', event: 'Order Completed', properties: { total: 2e16 }, timestamp: t(0) },
      { type: 'track', messageId: 'h2', userId: 'big', event: 'Review Left', timestamp: t(1) },
      { type: 'track', messageId: 'h3', userId: 'small', event: 'Order Completed', properties: { total: 5 }, timestamp: t(0) },
      { type: 'track', messageId: 'h4', userId: 'small', event: 'Review Left', timestamp: t(1) },
    ]
    expect(await sendBatch(pulse.url, JSON.stringify({ batch }))).toBe(200)
    await waitFor(() => sql(pulse.url, "SELECT count() AS n FROM events_by_day WHERE message_id LIKE 'h%'"), (r) => Number(r[0].n) === 4)
    const steps = (value: number) => [{ event: 'Order Completed', filters: [{ property: 'total', op: 'gt', value }] }, { event: 'Review Left' }]
    for (const [value, persons] of [[1e16, 1], [1e308, 0], [-1e300, 2]] as const) {
      const { status, json } = await post({ steps: steps(value), window: '1h', from: '2026-01-25', to: '2026-01-26' })
      expect([value, status, json.steps?.[0]?.persons]).toEqual([value, 200, persons])
    }
  })
})
