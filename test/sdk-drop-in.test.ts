// The official SDKs, pointed at Pulse by changing only the host, land exactly what they sent.
import { Analytics as SegmentAnalytics } from '@segment/analytics-node'
import RudderAnalytics from '@rudderstack/rudder-sdk-node'
import { PostHog } from 'posthog-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { sql, startTestPulse, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

let pulse: RunningPulse

beforeAll(async () => {
  pulse = await startTestPulse('sdk')
})
afterAll(async () => {
  await pulse?.stop()
})

interface Row {
  source: string
  message_id: string
  type: string
  event: string
  anonymous_id: string
  user_id: string
  distinct_id: string
  previous_id: string
  group_id: string
  properties: string
  traits: string
  library: string
  original_ts: string
  ts: string
  revenue: number | null
}

async function rowsFor(prefix: string, expected: number): Promise<Row[]> {
  const read = () => sql<Row>(pulse.url, 'SELECT * FROM events WHERE distinct_id LIKE {p:String} OR anonymous_id LIKE {p:String} OR previous_id LIKE {p:String} ORDER BY original_ts, message_id', { p: prefix + '%' })
  return waitFor(read, (r) => r.length >= expected)
}

const chTime = (iso: string) => iso.replace('T', ' ').replace('Z', '')

describe('Segment analytics-node', () => {
  it('stores every call with its ids, names, properties and timestamps', async () => {
    const analytics = new SegmentAnalytics({ writeKey: WRITE_KEY, host: pulse.url, flushAt: 15, maxRetries: 2 })
    const t0 = new Date(Date.now() - 60_000)
    const at = (s: number) => new Date(t0.getTime() + s * 1000)
    analytics.page({ anonymousId: 'seg-anon-1', name: 'Home', properties: { url: 'https://x.test/' }, timestamp: at(0) })
    analytics.identify({ anonymousId: 'seg-anon-1', userId: 'seg-user-1', traits: { plan: 'pro' }, timestamp: at(1) })
    analytics.track({ userId: 'seg-user-1', event: 'Order Completed', properties: { revenue: 42.5, nested: { a: [1, 2] }, unicode: 'Grüße ✓' }, timestamp: at(2) })
    analytics.group({ userId: 'seg-user-1', groupId: 'seg-org-1', traits: { name: 'Org' }, timestamp: at(3) })
    analytics.alias({ userId: 'seg-user-1', previousId: 'seg-old-1', timestamp: at(4) })
    analytics.screen({ userId: 'seg-user-1', name: 'Settings', timestamp: at(5) })
    await analytics.closeAndFlush()

    const rows = await rowsFor('seg-', 6)
    expect(rows.map((r) => [r.type, r.event])).toEqual([
      ['page', '$pageview'],
      ['identify', '$identify'],
      ['track', 'Order Completed'],
      ['group', '$groupidentify'],
      ['alias', '$create_alias'],
      ['screen', '$screen'],
    ])
    expect(rows.every((r) => r.source === 'test' && r.message_id.startsWith('node-next-'))).toBe(true)
    expect(rows.every((r) => r.library === '@segment/analytics-node')).toBe(true)
    expect(rows[1]).toMatchObject({ anonymous_id: 'seg-anon-1', user_id: 'seg-user-1' })
    expect(JSON.parse(rows[1].traits)).toEqual({ plan: 'pro' })
    expect(JSON.parse(rows[2].properties)).toEqual({ revenue: 42.5, nested: { a: [1, 2] }, unicode: 'Grüße ✓' })
    expect(rows[2].revenue).toBe(42.5)
    expect(rows[3].group_id).toBe('seg-org-1')
    expect(rows[4].previous_id).toBe('seg-old-1')
    rows.forEach((r, i) => expect(r.original_ts).toBe(chTime(at(i).toISOString())))
  })
})

describe('RudderStack rudder-sdk-node (gzip JSON labelled form-urlencoded)', () => {
  it('stores every call with its ids and properties', async () => {
    const client = new RudderAnalytics(WRITE_KEY, { dataPlaneUrl: pulse.url, flushAt: 20, logLevel: 'error' })
    client.track({ userId: 'rud-user-1', event: 'Lesson Started', properties: { course: 'ts-101', minutes: 12 } })
    client.identify({ userId: 'rud-user-1', anonymousId: 'rud-anon-1', traits: { region: 'EU' } })
    client.page({ userId: 'rud-user-1', name: 'Pricing', properties: { url: 'https://x.test/pricing' } })
    await client.flush()
    const rows = await rowsFor('rud-', 3)
    expect(rows).toHaveLength(3)
    const byEvent = Object.fromEntries(rows.map((r) => [r.event, r]))
    expect(JSON.parse(byEvent['Lesson Started'].properties)).toEqual({ course: 'ts-101', minutes: 12 })
    expect(byEvent.$identify).toMatchObject({ user_id: 'rud-user-1', anonymous_id: 'rud-anon-1' })
    expect(JSON.parse(byEvent.$identify.traits)).toMatchObject({ region: 'EU' })
    expect(byEvent.$pageview.type).toBe('page')
  })
})

for (const mode of ['v0', 'v1'] as const) {
  describe(`posthog-node, capture mode ${mode}`, () => {
    it('stores captures, identify and alias with uuids and timestamps', async () => {
      process.env.POSTHOG_CAPTURE_MODE = mode
      const ph = new PostHog(WRITE_KEY, { host: pulse.url, flushAt: 20, flushInterval: 0 })
      delete process.env.POSTHOG_CAPTURE_MODE
      const p = `ph${mode}-`
      const when = new Date(Date.now() - 30_000)
      ph.capture({ distinctId: `${p}anon`, event: '$pageview', properties: { $current_url: 'https://x.test/' }, timestamp: when })
      ph.identify({ distinctId: `${p}user`, properties: { $anon_distinct_id: `${p}anon`, plan: 'free' } })
      ph.capture({ distinctId: `${p}user`, event: 'Course Purchased', properties: { revenue: 99, tags: ['a'] }, groups: { company: 'acme' } })
      ph.alias({ distinctId: `${p}user`, alias: `${p}alias` })
      await ph.shutdown()

      const rows = await rowsFor(p, 4)
      expect(rows).toHaveLength(4)
      expect(rows.every((r) => /^[0-9a-f-]{36}$/.test(r.message_id))).toBe(true)
      const by = Object.fromEntries(rows.map((r) => [r.event, r]))
      expect(by.$pageview).toMatchObject({ type: 'page', distinct_id: `${p}anon`, original_ts: chTime(when.toISOString()) })
      expect(by.$identify).toMatchObject({ type: 'identify', user_id: `${p}user`, anonymous_id: `${p}anon` })
      expect(JSON.parse(by.$identify.traits)).toMatchObject({ plan: 'free' })
      expect(by['Course Purchased']).toMatchObject({ type: 'track', revenue: 99 })
      expect(JSON.parse(by['Course Purchased'].properties)).toMatchObject({ revenue: 99, tags: ['a'], $groups: { company: 'acme' } })
      expect(by.$create_alias).toMatchObject({ type: 'alias', previous_id: `${p}alias` })
      expect(rows.every((r) => r.library === 'posthog-node')).toBe(true)
    })
  })
}
