// Health score: within 0..100 for any features and weights, monotone in each part, null-safe when
// parts are missing, and the documented weighted mean on a worked example.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { healthScore, type HealthInputs } from '../models/tags/health-score.ts'
import { DEFAULT_TAG_SETTINGS, type TagSettings } from '../models/tags/tag-settings.ts'

const window = (orders: number, spend: number) => ({ orders, spend, couponOrders: 0 })
const EMPTY: HealthInputs = { activity30d: 0, activityPrev30d: 0, last91d: window(0, 0), prev91d: window(0, 0), complaints365d: 0, window365d: window(0, 0), lastNps: null }

const inputs = fc.record({
  activity30d: fc.nat(200),
  activityPrev30d: fc.nat(200),
  last91d: fc.nat(5000).map((s) => window(1, s)),
  prev91d: fc.nat(5000).map((s) => window(1, s)),
  complaints365d: fc.nat(20),
  window365d: fc.nat(50).map((n) => window(n, 10 * n)),
  lastNps: fc.option(fc.integer({ min: 0, max: 10 }).map((score) => ({ score, at: 0 })), { nil: null }),
})
const weight = fc.double({ min: 0, max: 100, noNaN: true })
const settings = fc
  .record({ activity: weight, spend: weight, complaints: weight, nps: weight })
  .filter((w) => w.activity + w.spend + w.complaints + w.nps > 0)
  .map((health): TagSettings => ({ ...DEFAULT_TAG_SETTINGS, health }))

const score = (f: HealthInputs, s: TagSettings = DEFAULT_TAG_SETTINGS) => healthScore(f, s).score

describe('health score', () => {
  it('stays within 0..100 for any features and weights', () => {
    fc.assert(
      fc.property(inputs, settings, (f, s) => {
        const h = score(f, s)
        if (h !== null) {
          expect(h).toBeGreaterThanOrEqual(0)
          expect(h).toBeLessThanOrEqual(100)
        }
      }),
    )
  })

  it('never falls when a part improves and never rises when it worsens', () => {
    fc.assert(
      fc.property(inputs, settings, fc.integer({ min: 1, max: 50 }), (f, s, d) => {
        const base = score(f, s)
        // A person with no measurable part has no score to compare with.
        fc.pre(base !== null)
        expect(score({ ...f, activity30d: f.activity30d + d }, s)).toBeGreaterThanOrEqual(base)
        expect(score({ ...f, activityPrev30d: f.activityPrev30d + d }, s)).toBeLessThanOrEqual(base)
        expect(score({ ...f, last91d: window(1, f.last91d.spend + d) }, s)).toBeGreaterThanOrEqual(base)
        expect(score({ ...f, complaints365d: f.complaints365d + d }, s)).toBeLessThanOrEqual(base)
        if (f.lastNps && f.lastNps.score < 10) expect(score({ ...f, lastNps: { score: f.lastNps.score + 1, at: 0 } }, s)).toBeGreaterThanOrEqual(base)
      }),
    )
  })

  it('leaves out the parts a person has nothing for, and is null when there is none', () => {
    expect(score(EMPTY)).toBeNull()
    expect(healthScore(EMPTY, DEFAULT_TAG_SETTINGS).parts).toEqual({ activity: null, spend: null, complaints: null, nps: null })
    expect(score({ ...EMPTY, lastNps: { score: 7, at: 0 } })).toBe(70)
    expect(score({ ...EMPTY, activity30d: 4 })).toBe(100)
    expect(score({ ...EMPTY, activityPrev30d: 4 })).toBe(0)
  })

  it('is the weighted mean of the documented parts', () => {
    // activity 3/(3+1) = 0.75, spend 300/(300+100) = 0.75, complaints 1 - 0/4 = 1, NPS 8/10 = 0.8;
    // weights 0.3, 0.3, 0.2, 0.2: 100 x (0.225 + 0.225 + 0.2 + 0.16) = 81.
    const f: HealthInputs = { activity30d: 3, activityPrev30d: 1, last91d: window(3, 300), prev91d: window(1, 100), complaints365d: 0, window365d: window(4, 400), lastNps: { score: 8, at: 0 } }
    expect(healthScore(f, DEFAULT_TAG_SETTINGS)).toEqual({ score: 81, parts: { activity: 0.75, spend: 0.75, complaints: 1, nps: 0.8 } })
    expect(score({ ...f, complaints365d: 1 })).toBe(Math.round(100 * (0.225 + 0.225 + 0.2 * 0.75 + 0.16)))
  })
})
