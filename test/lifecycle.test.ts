// Lifecycle: exactly one stage for any features (property-based), and each rule's boundary in
// time or in its ratio, with the precedence churned, prospect, new, declining, mature, active.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LIFECYCLE_STAGES, lifecycleStage, type LifecycleInputs } from '../models/tags/lifecycle.ts'
import type { PersonFeatures } from '../models/tags/person-features.ts'
import { evaluateTags } from '../models/tags/tag-evaluation.ts'
import { DEFAULT_TAG_SETTINGS } from '../models/tags/tag-settings.ts'
import { DAY, featuresAt, T0 } from './helpers/person-timeline.ts'

const NOW = T0 + 1000 * DAY
const S = DEFAULT_TAG_SETTINGS

const window = (spend: number) => ({ orders: spend > 0 ? 1 : 0, spend, couponOrders: 0 })

/** A steady customer: active yesterday, first purchase `firstDaysAgo` days ago, flat trends. */
function customer(firstDaysAgo: number | null, over: Partial<LifecycleInputs> = {}): LifecycleInputs {
  return {
    lastActivity: NOW - DAY,
    lastPurchase: firstDaysAgo === null ? null : NOW - Math.min(firstDaysAgo, 1) * DAY,
    firstPurchase: firstDaysAgo === null ? null : NOW - firstDaysAgo * DAY,
    activity30d: 30,
    activityPrev30d: 30,
    last91d: window(100),
    prev91d: window(100),
    ...over,
  }
}

const maybeTime = fc.option(fc.integer({ min: NOW - 800 * DAY, max: NOW }), { nil: null })
const arbitraryInputs = fc.record({
  lastActivity: maybeTime,
  lastPurchase: maybeTime,
  firstPurchase: maybeTime,
  activity30d: fc.nat(100),
  activityPrev30d: fc.nat(100),
  last91d: fc.nat(1000).map(window),
  prev91d: fc.nat(1000).map(window),
})

describe('lifecycle', () => {
  it('gives every person exactly one of the six stages as a tag', () => {
    const base = featuresAt([], NOW)
    fc.assert(
      fc.property(arbitraryInputs, (inputs) => {
        const features: PersonFeatures = { ...base, ...inputs }
        const stages = evaluateTags(features, { clv: null, tier: null, clvTop20Threshold: null, spend365Top20Threshold: null }, S, NOW).held.filter((h) => h.layer === 'lifecycle')
        expect(stages).toHaveLength(1)
        expect(LIFECYCLE_STAGES.map((s) => `lifecycle:${s}`)).toContain(stages[0].tag)
      }),
    )
  })

  it('keeps the precedence: churned by inactivity first, then prospect for non-buyers, new, mature by first purchase', () => {
    fc.assert(
      fc.property(arbitraryInputs, (f) => {
        const stage = lifecycleStage(f, S, NOW)
        const last = Math.max(f.lastActivity ?? -Infinity, f.lastPurchase ?? -Infinity)
        expect(stage === 'churned').toBe(Number.isFinite(last) && NOW - last >= 90 * DAY)
        if (stage !== 'churned') expect(stage === 'prospect').toBe(f.firstPurchase === null)
        if (stage === 'new') expect(NOW - f.firstPurchase!).toBeLessThan(30 * DAY)
        if (stage === 'mature') expect(NOW - f.firstPurchase!).toBeGreaterThanOrEqual(180 * DAY)
      }),
    )
  })

  it('moves from new to active at 30 days and from active to mature at 180 days after the first purchase', () => {
    const atFirst = (t: number) => lifecycleStage({ ...customer(0), firstPurchase: t }, S, NOW)
    expect([atFirst(NOW - 30 * DAY + 1), atFirst(NOW - 30 * DAY), atFirst(NOW - 30 * DAY - 1)]).toEqual(['new', 'active', 'active'])
    expect([atFirst(NOW - 180 * DAY + 1), atFirst(NOW - 180 * DAY), atFirst(NOW - 180 * DAY - 1)]).toEqual(['active', 'mature', 'mature'])
    expect(lifecycleStage(customer(null), S, NOW)).toBe('prospect')
  })

  it('is churned from 90 days after the last activity event or purchase, whichever is later', () => {
    const lastAt = (t: number) => lifecycleStage(customer(400, { lastActivity: t, lastPurchase: t - 5 * DAY }), S, NOW)
    expect([lastAt(NOW - 90 * DAY + 1), lastAt(NOW - 90 * DAY), lastAt(NOW - 90 * DAY - 1)]).toEqual(['mature', 'churned', 'churned'])
    expect(lifecycleStage(customer(null, { lastActivity: NOW - 90 * DAY }), S, NOW)).toBe('churned')
  })

  it('is declining when activity or spend falls under half of the period before, ahead of mature', () => {
    expect(lifecycleStage(customer(400, { activity30d: 15 }), S, NOW)).toBe('mature')
    expect(lifecycleStage(customer(400, { activity30d: 14 }), S, NOW)).toBe('declining')
    expect(lifecycleStage(customer(400, { last91d: window(50) }), S, NOW)).toBe('mature')
    expect(lifecycleStage(customer(400, { last91d: window(49.99) }), S, NOW)).toBe('declining')
    expect(lifecycleStage(customer(10, { activity30d: 0 }), S, NOW)).toBe('new')
    // A configured share is met exactly: 55 of 100 is not under 55%.
    const share55 = { ...S, lifecycle: { ...S.lifecycle, decliningShare: 0.55 } }
    expect(lifecycleStage(customer(400, { activity30d: 55, activityPrev30d: 100 }), share55, NOW)).toBe('mature')
    expect(lifecycleStage(customer(400, { activity30d: 54, activityPrev30d: 100 }), share55, NOW)).toBe('declining')
  })
})
