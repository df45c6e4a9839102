// The churn early warning fires on a sharp drop against the person's own weekly baseline and not
// on a person who is quiet but steady; the SLA alert fires from a complaint's deadline on.
import { describe, expect, it } from 'vitest'
import { churnWarning, slaAlerts } from '../models/tags/churn-warning.ts'
import { DEFAULT_TAG_SETTINGS } from '../models/tags/tag-settings.ts'
import { DAY, featuresAt, HOUR, T0, type ScriptedEvent } from './helpers/person-timeline.ts'

const S = DEFAULT_TAG_SETTINGS
/** One page every `everyHours` from T0 for `days` days. */
const pages = (everyHours: number, days: number): ScriptedEvent[] =>
  Array.from({ length: Math.floor((days * 24) / everyHours) }, (_, i) => ({ at: T0 + i * everyHours * HOUR, kind: 'page' }))
const warningsOver = (history: ScriptedEvent[], fromDay: number, toDay: number): number[] => {
  const fired: number[] = []
  for (let d = fromDay; d <= toDay; d++) if (churnWarning(featuresAt(history, T0 + d * DAY), S, T0 + d * DAY)) fired.push(d)
  return fired
}

describe('churn warning', () => {
  it('fires within a week of a person active 4 times a week stopping, long before churn_risk could', () => {
    const history = pages(42, 63)
    const lastPage = history.at(-1)!.at
    const now = T0 + 70 * DAY
    const alert = churnWarning(featuresAt(history, now), S, now)
    expect(alert).toMatchObject({ kind: 'churn', personId: 'p_0123456789abcdef', ids: ['user-1'], at: now, reason: { activity7d: 0 } })
    // 31 pages in the 8 weeks (T0 + 7 d, T0 + 63 d]: 3.875 a week.
    expect(alert!.message).toBe('activity fell to 0 events in 7 days from 3.9 a week')
    const fired = warningsOver(history, 0, 70)
    expect(T0 + fired[0] * DAY).toBeGreaterThan(lastPage)
    expect(T0 + fired[0] * DAY).toBeLessThanOrEqual(lastPage + 7 * DAY)
    expect(fired).toEqual(Array.from({ length: 71 - fired[0] }, (_, i) => fired[0] + i))
  })

  it('does not fire for a person active once a week, even when a week is missed', () => {
    const history = pages(7 * 24, 120).filter((e) => e.at < T0 + 60 * DAY || e.at >= T0 + 70 * DAY)
    expect(warningsOver(history, 0, 130)).toEqual([])
  })

  it('does not fire while a busy person keeps their pace', () => {
    expect(warningsOver(pages(42, 200), 0, 199)).toEqual([])
  })

  it('fires under 30% of the baseline, from a baseline of 2 a week', () => {
    const base = featuresAt([], T0)
    expect(churnWarning({ ...base, activityBaselineWeekly: 10, activity7d: 3 }, S, T0)).toBeNull()
    expect(churnWarning({ ...base, activityBaselineWeekly: 10, activity7d: 2 }, S, T0)).not.toBeNull()
    expect(churnWarning({ ...base, activityBaselineWeekly: 2, activity7d: 0 }, S, T0)).not.toBeNull()
    expect(churnWarning({ ...base, activityBaselineWeekly: 1.875, activity7d: 0 }, S, T0)).toBeNull()
    // A configured share is met exactly: 55 against a baseline of 100 is not under 55%.
    const share55 = { ...S, churnWarning: { dropShare: 0.55, minBaselineWeekly: 2 } }
    expect(churnWarning({ ...base, activityBaselineWeekly: 100, activity7d: 55 }, share55, T0)).toBeNull()
    expect(churnWarning({ ...base, activityBaselineWeekly: 100, activity7d: 54 }, share55, T0)).not.toBeNull()
  })
})

describe('SLA alert', () => {
  const history: ScriptedEvent[] = [
    { at: T0, kind: 'complaint', id: 'c1', severity: 'major' },
    { at: T0 + HOUR, kind: 'complaint', id: 'c2', severity: 'normal' },
  ]
  const alertsAt = (t: number) => slaAlerts(featuresAt(history, t), S, t)

  it('fires from the deadline on, once per complaint, with the deadline as its time', () => {
    expect(alertsAt(T0 + 2 * HOUR - 1)).toEqual([])
    expect(alertsAt(T0 + 2 * HOUR)).toMatchObject([{ kind: 'sla', at: T0 + 2 * HOUR, reason: { complaintId: 'c1', severity: 'major' } }])
    expect(alertsAt(T0 + 5 * HOUR)[0].message).toBe('complaint c1 (major) is unresolved 5 h after filing, past its 2 h deadline')
    expect(alertsAt(T0 + 25 * HOUR).map((a) => [a.reason.complaintId, a.at])).toEqual([
      ['c1', T0 + 2 * HOUR],
      ['c2', T0 + 25 * HOUR],
    ])
  })
})
