// Calendar periods of retention and lifecycle: UTC days, weeks from Monday, calendar months.
import { describe, expect, it } from 'vitest'
import { addPeriods, periodsBetween, periodStart } from '../models/analytics/calendar-period.ts'
import { parsePeriodRange } from '../models/analytics/period-range.ts'

const at = (iso: string) => Date.parse(iso)
const iso = (ms: number) => new Date(ms).toISOString()

describe('calendar periods', () => {
  it('start at 00:00 UTC, on Monday, on the 1st', () => {
    // 2026-03-01 is a Sunday: its week began on Monday 2026-02-23.
    expect(iso(periodStart(at('2026-03-01T23:59:59.999Z'), 'day'))).toBe('2026-03-01T00:00:00.000Z')
    expect(iso(periodStart(at('2026-03-01T23:59:59.999Z'), 'week'))).toBe('2026-02-23T00:00:00.000Z')
    expect(iso(periodStart(at('2026-03-02T00:00:00.000Z'), 'week'))).toBe('2026-03-02T00:00:00.000Z')
    expect(iso(periodStart(at('2024-02-29T12:00:00Z'), 'month'))).toBe('2024-02-01T00:00:00.000Z')
    // Before 1970 too: 1950-03-04 was a Saturday.
    expect(iso(periodStart(at('1950-03-04T10:00:00Z'), 'week'))).toBe('1950-02-27T00:00:00.000Z')
  })

  it('add and count whole periods across years', () => {
    expect(iso(addPeriods(at('2025-11-01T00:00:00Z'), 3, 'month'))).toBe('2026-02-01T00:00:00.000Z')
    expect(iso(addPeriods(at('2026-01-05T00:00:00Z'), -2, 'week'))).toBe('2025-12-22T00:00:00.000Z')
    expect(periodsBetween(at('2025-11-01T00:00:00Z'), at('2026-02-01T00:00:00Z'), 'month')).toBe(3)
    expect(periodsBetween(at('2025-12-22T00:00:00Z'), at('2026-01-05T00:00:00Z'), 'week')).toBe(2)
    expect(periodsBetween(at('2024-02-28T00:00:00Z'), at('2024-03-01T00:00:00Z'), 'day')).toBe(2)
  })

  it('cover every period holding some time of [from, to)', () => {
    const now = at('2026-03-11T12:00:00Z')
    // `to` at a Monday 00:00 ends the range with the week before it.
    expect(parsePeriodRange({ from: '2026-02-04', to: '2026-03-02' }, 'week', now, { defaultCount: 12, maxCount: 400 })).toEqual({ unit: 'week', startMs: at('2026-02-02T00:00:00Z'), count: 4 })
    // Without `from`: the default count of periods up to the one holding now.
    expect(parsePeriodRange({}, 'month', now, { defaultCount: 3, maxCount: 400 })).toEqual({ unit: 'month', startMs: at('2026-01-01T00:00:00Z'), count: 3 })
  })
})
