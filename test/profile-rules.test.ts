// The sweep recomputes a person at the time profileRules().nextChange gives: for any history,
// no tag and no alert condition may change with time alone before that time, or a time-only
// change (high_frequency ageing out, churn warning, a window sliding) would be seen late.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_TAG_SETTINGS } from '../models/tags/tag-settings.ts'
import { profileRules } from '../pipelines/stream/profile-rules.ts'
import { DAY, T0, featuresAt, type ScriptedEvent } from './helpers/person-timeline.ts'

const rules = profileRules(DEFAULT_TAG_SETTINGS)
const noValue = { clv: null, tier: null }
const noThresholds = { clv: null, spend365: null }

function state(history: ScriptedEvent[], now: number): string {
  const f = featuresAt(history, now)
  const tags = rules.evaluate(f, noValue, noThresholds, now).held.map((h) => h.tag).sort()
  return JSON.stringify([tags, [...rules.alerts(f, now).keys()].sort()])
}

const at = fc.integer({ min: T0, max: T0 + 120 * DAY })
const event: fc.Arbitrary<ScriptedEvent> = fc.oneof(
  fc.record({ at, kind: fc.constant('login' as const) }),
  fc.record({ at, kind: fc.constant('page' as const), category: fc.constantFrom('coding', 'music') }),
  fc.record({ at, kind: fc.constant('order' as const), spend: fc.integer({ min: 1, max: 500 }), coupon: fc.boolean() }),
  fc.record({ at, kind: fc.constant('complaint' as const), id: fc.constantFrom('c1', 'c2'), severity: fc.constantFrom('major', 'normal') }),
  fc.record({ at, kind: fc.constant('resolved' as const), id: fc.constantFrom('c1', 'c2') }),
  fc.record({ at, kind: fc.constant('enquiry' as const), topic: fc.constantFrom('new_service', 'billing') }),
  fc.record({ at, kind: fc.constant('nps' as const), score: fc.integer({ min: 0, max: 10 }) }),
)

describe('the time of the next change the sweep waits for', () => {
  it('comes no later than the first change with time alone, for any history', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 150 }), (history, startDay) => {
        const from = T0 + startDay * DAY
        const seen = history.filter((e) => e.at <= from)
        const next = rules.nextChange(featuresAt(seen, from), from)
        const horizon = next ?? from + 800 * DAY
        const before = state(seen, from)
        // At 60 points up to the next change time, and one ms before it: nothing may have moved yet
        // (a change that stays is seen at the last point; one that reverts within a sixtieth is not).
        for (let k = 1; k < 60; k++) expect(state(seen, from + Math.floor(((horizon - from) * k) / 60))).toBe(before)
        expect(state(seen, horizon - 1)).toBe(before)
      }),
      { numRuns: 150 },
    )
  })

  it('is the moment the fifth-latest login leaves the last 7 days, for high_frequency', () => {
    const logins: ScriptedEvent[] = [0, 1, 2, 3, 4, 5].map((d) => ({ at: T0 + d * DAY, kind: 'login' }))
    const now = T0 + 6 * DAY
    expect(state(logins, now)).toContain('high_frequency')
    // Six logins in the window: the first leaving it (day 7) keeps five; the second leaving (day 8) ends the tag.
    let t = now
    const seenAt: number[] = []
    while (state(logins, t).includes('high_frequency')) {
      const next = rules.nextChange(featuresAt(logins, t), t)!
      seenAt.push(next)
      t = next
    }
    expect(t).toBe(T0 + 8 * DAY)
    expect(seenAt).toContain(T0 + 7 * DAY)
  })
})
