// Each tag of the catalog is added and removed exactly at its boundary: a scripted history per
// tag, evaluated one ms before, at and one ms after the boundary, and the change diffTags reports
// across it. Time-only rules (silent, churn_risk, sla_breached, window edges) flip with no new event.
import { describe, expect, it } from 'vitest'
import { TAG_CATALOG, catalogEntryOf, type ValueContext } from '../models/tags/tag-catalog.ts'
import { diffTags, evaluateTags, nextTimeChange } from '../models/tags/tag-evaluation.ts'
import { DEFAULT_TAG_SETTINGS, type TagSettings } from '../models/tags/tag-settings.ts'
import { DAY, featuresAt, HOUR, T0, type ScriptedEvent } from './helpers/person-timeline.ts'

const NO_VALUE: ValueContext = { clv: null, tier: null, clvTop20Threshold: null, spend365Top20Threshold: null }
const covered = new Set<string>()

interface Options {
  value?: ValueContext
  settings?: TagSettings
}

function tagsAt(history: ScriptedEvent[], now: number, o: Options = {}) {
  return evaluateTags(featuresAt(history, now), o.value ?? NO_VALUE, o.settings ?? DEFAULT_TAG_SETTINGS, now)
}

/** Whether `tag` is held one ms before, at and one ms after `edge`, and what diffTags says at `edge`. */
function across(history: ScriptedEvent[], edge: number, tag: string, o: Options = {}) {
  covered.add(catalogEntryOf(tag)?.id ?? tag)
  const held = (t: number) => tagsAt(history, t, o).held.some((h) => h.tag === tag)
  const before = new Map(tagsAt(history, edge - 1, o).held.map((h) => [h.tag, { layer: h.layer }]))
  const changes = diffTags(before, tagsAt(history, edge, o), 'p_0123456789abcdef', ['user-1'], edge).filter((c) => c.tag === tag)
  return { held: [held(edge - 1), held(edge), held(edge + 1)], changes: changes.map((c) => c.change) }
}

const ADDED = { held: [false, true, true], changes: ['added'] }
const REMOVED = { held: [true, false, false], changes: ['removed'] }
const page = (at: number, extra: { category?: string; channel?: string } = {}): ScriptedEvent => ({ at, kind: 'page', ...extra })

describe('behaviour tags', () => {
  it('high_frequency: added at the fifth login within 7 days, removed when the first leaves the window', () => {
    const logins: ScriptedEvent[] = [0, 1, 2, 3, 4].map((d) => ({ at: T0 + d * DAY, kind: 'login' }))
    expect(across(logins, T0 + 4 * DAY, 'high_frequency')).toEqual(ADDED)
    expect(across(logins, T0 + 7 * DAY, 'high_frequency')).toEqual(REMOVED)
    const stricter = { ...DEFAULT_TAG_SETTINGS, highFrequency: { minLogins: 6 } }
    expect(across(logins, T0 + 4 * DAY, 'high_frequency', { settings: stricter }).held).toEqual([false, false, false])
  })

  it('price_sensitive: at least 80% coupon orders of at least 3 in 180 days', () => {
    const o = (d: number, coupon: boolean): ScriptedEvent => ({ at: T0 + d * DAY, kind: 'order', spend: 10, coupon })
    const history = [o(0, true), o(10, true), o(20, true), o(30, false), o(40, true)]
    expect(across(history, T0 + 20 * DAY, 'price_sensitive')).toEqual(ADDED) // 3 of 3
    expect(across(history, T0 + 30 * DAY, 'price_sensitive')).toEqual(REMOVED) // 3 of 4: 75%
    expect(across(history, T0 + 40 * DAY, 'price_sensitive')).toEqual(ADDED) // 4 of 5: exactly 80%
    expect(across(history, T0 + 180 * DAY, 'price_sensitive')).toEqual(REMOVED) // the first leaves: 3 of 4
    const hundred = Array.from({ length: 100 }, (_, i) => o(i, i >= 45))
    const share = (minCouponShare: number) => ({ settings: { ...DEFAULT_TAG_SETTINGS, priceSensitive: { minCouponShare, minOrders: 3 } } })
    expect(across(hundred, T0 + 99 * DAY, 'price_sensitive', share(0.55)).held).toEqual([false, true, true]) // exactly 55%
    expect(across(hundred, T0 + 99 * DAY, 'price_sensitive', share(0.56)).held).toEqual([false, false, false])
  })

  it('silent: added 7 days after the last activity event with no new event, removed by the next one', () => {
    const history = [page(T0), page(T0 + 10 * DAY)]
    expect(across(history, T0 + 7 * DAY, 'silent')).toEqual(ADDED)
    expect(across(history, T0 + 10 * DAY, 'silent')).toEqual(REMOVED)
    expect(across(history, T0 + 17 * DAY, 'silent')).toEqual(ADDED)
    expect(across([{ at: T0, kind: 'identify', region: 'north' }], T0 + 7 * DAY, 'silent').held).toEqual([false, false, false])
  })
})

describe('basic and preference tags', () => {
  it('region and age_band follow the latest trait', () => {
    const history: ScriptedEvent[] = [
      { at: T0, kind: 'identify', region: 'north', ageBand: '25-34' },
      { at: T0 + DAY, kind: 'identify', region: 'south' },
    ]
    expect(across(history, T0, 'region:north')).toEqual(ADDED)
    expect(across(history, T0, 'age_band:25-34')).toEqual(ADDED)
    expect(across(history, T0 + DAY, 'region:north')).toEqual(REMOVED)
    expect(across(history, T0 + DAY, 'region:south')).toEqual(ADDED)
  })

  it('makes values safe as NATS subject tokens and bounded in length', () => {
    const sent = (region: string) => tagsAt([{ at: T0, kind: 'identify', region }], T0).held.filter((h) => h.layer === 'basic').map((h) => h.tag)
    expect(sent(' São Paulo ')).toEqual(['region:São_Paulo'])
    expect(sent('eu.west > *')).toEqual(['region:eu_west_'])
    expect(sent('x'.repeat(500))).toEqual([`region:${'x'.repeat(64)}`])
    expect(sent('  ')).toEqual([])
  })

  it('favourite_category and preferred_channel: most frequent of 365 days, ties to the most recent', () => {
    const history = [page(T0, { category: 'shoes', channel: 'email' }), page(T0 + DAY, { category: 'hats', channel: 'sms' }), page(T0 + 2 * DAY, { category: 'shoes' })]
    expect(across(history, T0 + DAY, 'favourite_category:shoes')).toEqual(REMOVED)
    expect(across(history, T0 + DAY, 'favourite_category:hats')).toEqual(ADDED)
    expect(across(history, T0 + 2 * DAY, 'favourite_category:shoes')).toEqual(ADDED)
    expect(across(history, T0 + DAY, 'preferred_channel:sms')).toEqual(ADDED)
    // The first shoes page leaves the 365-day window: a tie again, the hats page is not the latest.
    expect(across(history, T0 + 365 * DAY, 'favourite_category:shoes').held).toEqual([true, true, true])
    expect(across(history, T0 + 366 * DAY, 'preferred_channel:sms')).toEqual(REMOVED)
  })
})

describe('value tags', () => {
  it('high_value by 365-day spend until a fit exists, then by CLV', () => {
    const history: ScriptedEvent[] = [
      { at: T0, kind: 'order', spend: 300 },
      { at: T0 + 10 * DAY, kind: 'order', spend: 200 },
    ]
    const bySpend = { value: { ...NO_VALUE, spend365Top20Threshold: 500 } }
    expect(across(history, T0 + 10 * DAY, 'high_value', bySpend)).toEqual(ADDED)
    expect(across(history, T0 + 365 * DAY, 'high_value', bySpend)).toEqual(REMOVED)
    const fit = (clv: number | null): Options => ({ value: { clv, tier: null, clvTop20Threshold: 1000, spend365Top20Threshold: 500 } })
    expect(across(history, T0 + 10 * DAY, 'high_value', fit(999.99)).held).toEqual([false, false, false])
    expect(across(history, T0 + 10 * DAY, 'high_value', fit(1000)).held).toEqual([true, true, true])
    expect(across(history, T0 + 10 * DAY, 'high_value', fit(null)).held).toEqual([false, false, false])
  })

  it('potential: spend of the last 91 days at least 1.5 x the 91 before, which was above 0', () => {
    const history: ScriptedEvent[] = [
      { at: T0, kind: 'order', spend: 100 },
      { at: T0 + 100 * DAY, kind: 'order', spend: 150 },
    ]
    expect(across(history, T0 + 100 * DAY, 'potential')).toEqual(ADDED)
    expect(across(history, T0 + 182 * DAY, 'potential')).toEqual(REMOVED)
    const justUnder: ScriptedEvent[] = [history[0], { at: T0 + 100 * DAY, kind: 'order', spend: 149.99 }]
    expect(across(justUnder, T0 + 100 * DAY, 'potential').held).toEqual([false, false, false])
    const tenPercent: ScriptedEvent[] = [history[0], { at: T0 + 100 * DAY, kind: 'order', spend: 110 }]
    const growth = { settings: { ...DEFAULT_TAG_SETTINGS, potential: { growthFactor: 1.1 } } }
    expect(across(tenPercent, T0 + 100 * DAY, 'potential', growth)).toEqual(ADDED) // exactly 1.1 x
  })

  it('tier follows the latest fit', () => {
    expect(across([], T0, 'tier:steady', { value: { ...NO_VALUE, tier: 'steady' } }).held).toEqual([true, true, true])
    expect(tagsAt([], T0, { value: { ...NO_VALUE, tier: 'steady' } }).held.filter((h) => h.layer === 'value').map((h) => h.tag)).toEqual(['tier:steady'])
    expect(across([], T0, 'tier:steady').held).toEqual([false, false, false])
  })
})

describe('churn and lifecycle tags', () => {
  it('churn:<band> follows the churn band of the latest fit', () => {
    expect(across([], T0, 'churn:high', { value: { ...NO_VALUE, churnBand: 'high' } }).held).toEqual([true, true, true])
    expect(tagsAt([], T0, { value: { ...NO_VALUE, churnBand: 'medium' } }).held.filter((h) => h.tag.startsWith('churn:')).map((h) => [h.tag, h.layer])).toEqual([['churn:medium', 'churn']])
    expect(across([], T0, 'churn:high').held).toEqual([false, false, false])
  })

  it('churn_risk: 30 days with no activity event and no purchase, after having either', () => {
    const history: ScriptedEvent[] = [page(T0), { at: T0 + 5 * DAY, kind: 'order', spend: 10 }, page(T0 + 40 * DAY)]
    expect(across(history, T0 + 35 * DAY, 'churn_risk')).toEqual(ADDED)
    expect(across(history, T0 + 40 * DAY, 'churn_risk')).toEqual(REMOVED)
  })

  it('lifecycle: prospect until the first order, new for 30 days, churned 90 days after the last event', () => {
    const history: ScriptedEvent[] = [page(T0), { at: T0 + 10 * DAY, kind: 'order', spend: 10 }]
    expect(across(history, T0 + 10 * DAY, 'lifecycle:prospect')).toEqual(REMOVED)
    expect(across(history, T0 + 10 * DAY, 'lifecycle:new')).toEqual(ADDED)
    expect(across(history, T0 + 40 * DAY, 'lifecycle:new')).toEqual(REMOVED)
    expect(across(history, T0 + 100 * DAY, 'lifecycle:churned')).toEqual(ADDED)
    for (const t of [T0, T0 + 10 * DAY, T0 + 40 * DAY, T0 + 100 * DAY]) {
      expect(tagsAt(history, t).held.filter((h) => h.layer === 'lifecycle')).toHaveLength(1)
    }
  })
})

describe('service tags', () => {
  const major: ScriptedEvent[] = [
    { at: T0 + HOUR, kind: 'complaint', id: 'c1', severity: 'major' },
    { at: T0 + 4 * HOUR, kind: 'resolved', id: 'c1' },
  ]

  it('complaint_pending: from filing until resolution', () => {
    expect(across(major, T0 + HOUR, 'complaint_pending')).toEqual(ADDED)
    expect(across(major, T0 + 4 * HOUR, 'complaint_pending')).toEqual(REMOVED)
  })

  it('sla_breached: 2 h after a major complaint, 24 h after a normal or unknown one, until resolved', () => {
    expect(across(major, T0 + 3 * HOUR, 'sla_breached')).toEqual(ADDED)
    expect(across(major, T0 + 4 * HOUR, 'sla_breached')).toEqual(REMOVED)
    for (const severity of ['normal', 'urgent']) {
      const open: ScriptedEvent[] = [{ at: T0, kind: 'complaint', id: 'c2', severity }]
      expect(across(open, T0 + 24 * HOUR, 'sla_breached')).toEqual(ADDED)
    }
  })

  it('new_demand_prospect: an enquiry about new_service within 30 days', () => {
    const history: ScriptedEvent[] = [
      { at: T0, kind: 'enquiry', topic: 'new_service' },
      { at: T0 + DAY, kind: 'enquiry', topic: 'billing' },
    ]
    expect(across(history, T0, 'new_demand_prospect')).toEqual(ADDED)
    expect(across(history, T0 + 30 * DAY, 'new_demand_prospect')).toEqual(REMOVED)
  })

  it('promoter, passive, detractor: bands of the last NPS score', () => {
    const nps = (d: number, score: number): ScriptedEvent => ({ at: T0 + d * DAY, kind: 'nps', score })
    const history = [nps(0, 9), nps(1, 8), nps(2, 7), nps(3, 6), nps(4, 10), nps(5, 0)]
    expect(across(history, T0, 'promoter')).toEqual(ADDED)
    expect(across(history, T0 + DAY, 'promoter')).toEqual(REMOVED)
    expect(across(history, T0 + DAY, 'passive')).toEqual(ADDED)
    expect(across(history, T0 + 2 * DAY, 'passive').held).toEqual([true, true, true])
    expect(across(history, T0 + 3 * DAY, 'passive')).toEqual(REMOVED)
    expect(across(history, T0 + 3 * DAY, 'detractor')).toEqual(ADDED)
    expect(across(history, T0 + 4 * DAY, 'promoter')).toEqual(ADDED)
    expect(across(history, T0 + 5 * DAY, 'detractor')).toEqual(ADDED)
  })
})

describe('diffTags', () => {
  it('gives a removed tag the values that removed it, and removes tags no rule keeps any more', () => {
    const history = [page(T0), page(T0 + 10 * DAY)]
    const now = T0 + 10 * DAY
    const previous = new Map([
      ['silent', { layer: 'behaviour' as const }],
      ['lifecycle:prospect', { layer: 'lifecycle' as const }],
      ['vip', { layer: 'value' as const }],
    ])
    const changes = diffTags(previous, tagsAt(history, now), 'p_0123456789abcdef', ['user-1', 'anon-1'], now)
    expect(changes).toEqual([
      { personId: 'p_0123456789abcdef', ids: ['user-1', 'anon-1'], tag: 'silent', layer: 'behaviour', change: 'removed', at: now, reason: { lastActivity: now, daysSinceActivity: 0 } },
      { personId: 'p_0123456789abcdef', ids: ['user-1', 'anon-1'], tag: 'vip', layer: 'value', change: 'removed', at: now, reason: { rule: 'no longer in the tag catalog' } },
    ])
  })
})

describe('nextTimeChange', () => {
  const held = (history: ScriptedEvent[], t: number) => tagsAt(history, t).held.map((h) => h.tag).sort()

  it('lists every time a tag flips with no new event, and no tag flips between two of them', () => {
    const history: ScriptedEvent[] = [
      { at: T0, kind: 'identify', region: 'north' },
      page(T0),
      { at: T0, kind: 'order', spend: 10 },
      { at: T0, kind: 'complaint', id: 'c1', severity: 'major' },
    ]
    const flips: string[] = []
    let now = T0
    for (let next = nextTimeChange(featuresAt(history, now), DEFAULT_TAG_SETTINGS, now); next !== null; next = nextTimeChange(featuresAt(history, now), DEFAULT_TAG_SETTINGS, now)) {
      expect(next).toBeGreaterThan(now)
      for (const t of [now + 1, Math.floor((now + next) / 2), next - 1]) expect(held(history, t), `between ${now - T0} and ${next - T0} ms`).toEqual(held(history, now))
      const before = new Map(tagsAt(history, next - 1).held.map((h) => [h.tag, { layer: h.layer }]))
      for (const c of diffTags(before, tagsAt(history, next), 'p_0123456789abcdef', [], next)) flips.push(`${(next - T0) / HOUR} h ${c.change} ${c.tag}`)
      now = next
    }
    expect(flips).toEqual(expect.arrayContaining(['2 h added sla_breached', '168 h added silent', '720 h added churn_risk', '720 h removed lifecycle:new', '2160 h added lifecycle:churned']))
  })

  it('is null when no rule can flip by time alone', () => {
    expect(nextTimeChange(featuresAt([{ at: T0, kind: 'identify', region: 'north' }], T0), DEFAULT_TAG_SETTINGS, T0)).toBeNull()
  })
})

describe('the catalog', () => {
  it('has a scripted boundary above for every entry (tests of a file run in order)', () => {
    expect([...covered].sort()).toEqual(TAG_CATALOG.map((e) => e.id).sort())
  })
})

describe('tag values from sent text', () => {
  it('drop control, format and invisible characters, so look-alike tags are one tag', async () => {
    const { valueTag } = await import('../models/tags/tag-value.ts')
    expect(valueTag('region:', 'EU\u200B')).toEqual(['region:EU'])
    expect(valueTag('region:', '\u202EUE\u0000\u0007')).toEqual(['region:UE'])
    expect(valueTag('region:', '\u001b]0;owned\u0007')).toEqual(['region:]0;owned'])
  })
})
