// factOf: a stored event row -> the fact the rolling features read, under the default and a
// renamed feature config.
import { describe, expect, it } from 'vitest'
import type { EventRow } from '../models/events/event-row.ts'
import { factOf } from '../models/tags/event-facts.ts'
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../models/tags/feature-config.ts'

function row(over: Partial<EventRow> & { props?: object; traitsOf?: object; contextOf?: object }): EventRow {
  const { props, traitsOf, contextOf, ...rest } = over
  return {
    source: 'web', message_id: 'm-1', type: 'track', event: 'Page Viewed', anonymous_id: '', user_id: 'u-1', distinct_id: '', group_id: '',
    previous_id: '', session_id: '', ts: 1_780_000_000_000, original_ts: null, sent_at: null, received_at: 1_780_000_000_500,
    properties: JSON.stringify(props ?? {}), traits: JSON.stringify(traitsOf ?? {}), context: JSON.stringify(contextOf ?? {}),
    revenue: null, currency: '', url: '', ip: '', library: '', library_version: '', warnings: [], ...rest,
  }
}

const C = DEFAULT_FEATURE_CONFIG

describe('factOf', () => {
  it('keys the fact by the key id and leaves out rows with no id', () => {
    expect(factOf(row({ user_id: '', anonymous_id: 'anon-1' }), C)?.keyId).toBe('anon-1')
    expect(factOf(row({ user_id: 'null', anonymous_id: 'anon-2' }), C)?.keyId).toBe('anon-2')
    expect(factOf(row({ user_id: '', anonymous_id: '', distinct_id: '' }), C)).toBeNull()
  })

  it('marks activity (every call but identify, alias and group by default, else the listed events) and logins', () => {
    expect(factOf(row({ type: 'page', event: '$pageview' }), C)!.activity).toBe(true)
    for (const type of ['identify', 'alias', 'group'] as const) expect(factOf(row({ type, event: '$' + type }), C)!.activity).toBe(false)
    const listed: FeatureConfig = { ...C, activityEvents: ['Lesson Viewed'] }
    expect([factOf(row({ event: 'Lesson Viewed' }), listed)!.activity, factOf(row({ event: 'Page Viewed' }), listed)!.activity]).toEqual([true, false])
    const login = factOf(row({ event: 'Logged In' }), C)!
    expect([login.login, login.activity, login.order]).toEqual([true, true, false])
  })

  it('reads an order amount from the revenue column, else the configured property, and its coupon', () => {
    expect(factOf(row({ event: 'Order Completed', revenue: 42.5, props: { revenue: 7 } }), C)).toMatchObject({ order: true, amount: 42.5, coupon: false })
    expect(factOf(row({ event: 'Order Completed', props: { revenue: '19.90', coupon: 'SPRING' } }), C)).toMatchObject({ amount: 19.9, coupon: true })
    expect(factOf(row({ event: 'Order Completed', props: { coupon: '' } }), C)).toMatchObject({ amount: 0, coupon: false })
    const renamed: FeatureConfig = { ...C, orderEvent: 'Purchase', revenueProperty: 'total', couponProperty: 'voucher' }
    expect(factOf(row({ event: 'Purchase', props: { total: 12, voucher: 'V1' } }), renamed)).toMatchObject({ order: true, amount: 12, coupon: true })
    expect(factOf(row({ event: 'Page Viewed', revenue: 5, props: { coupon: 'X' } }), C)).toMatchObject({ order: false, amount: 0, coupon: false })
  })

  it('reads the category, and the channel from its property or else the campaign source in context', () => {
    expect(factOf(row({ props: { category: 'shoes', channel: 'email' }, contextOf: { campaign: { source: 'google' } } }), C)).toMatchObject({ category: 'shoes', channel: 'email' })
    expect(factOf(row({ contextOf: { campaign: { source: 'google' } } }), C)).toMatchObject({ category: '', channel: 'google' })
    expect(factOf(row({ props: { category: 7 } }), C)!.category).toBe('7')
  })

  it('reads complaints filed and resolved, enquiries by topic and NPS scores', () => {
    expect(factOf(row({ event: 'Complaint Filed', props: { complaint_id: 'c-9', severity: 'major' } }), C)).toMatchObject({ complaint: 'filed', complaintId: 'c-9', severity: 'major' })
    expect(factOf(row({ event: 'Complaint Filed', message_id: 'm-77' }), C)).toMatchObject({ complaint: 'filed', complaintId: 'm-77', severity: '' })
    expect(factOf(row({ event: 'Complaint Resolved', props: { complaint_id: 'c-9' } }), C)).toMatchObject({ complaint: 'resolved', complaintId: 'c-9' })
    expect(factOf(row({ event: 'Complaint Resolved' }), C)).toMatchObject({ complaint: '', complaintId: '' })
    expect(factOf(row({ event: 'Enquiry Sent', props: { topic: 'new_service' } }), C)).toMatchObject({ enquiry: true, topic: 'new_service' })
    expect(factOf(row({ event: 'NPS Submitted', props: { score: 9 } }), C)!.nps).toBe(9)
    expect(factOf(row({ event: 'NPS Submitted', props: { score: '7' } }), C)!.nps).toBe(7)
    expect(factOf(row({ event: 'NPS Submitted', props: { score: 11 } }), C)!.nps).toBeNull()
    expect(factOf(row({ event: 'Page Viewed', props: { score: 9 } }), C)!.nps).toBeNull()
  })

  it('reads the region, age band and plan traits (identify traits, PostHog $set)', () => {
    const f = factOf(row({ type: 'identify', event: '$identify', traitsOf: { region: 'north', age_band: '25-34', plan: 'pro', email: 'a@b.c' } }), C)!
    expect([f.region, f.ageBand, f.plan]).toEqual(['north', '25-34', 'pro'])
    const renamed: FeatureConfig = { ...C, traits: { region: 'area', ageBand: 'age', plan: 'tier' } }
    const g = factOf(row({ traitsOf: { area: 'south', age: 40, tier: 'free' } }), renamed)!
    expect([g.region, g.ageBand, g.plan]).toEqual(['south', '40', 'free'])
  })

  it('keeps texts with tabs, line breaks and quotes as sent', () => {
    expect(factOf(row({ props: { category: 'a\tb\n"c"\\' } }), C)!.category).toBe('a\tb\n"c"\\')
  })
})
