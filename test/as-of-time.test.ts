// "As of" dates: a calendar day that exists means its last millisecond in UTC; a day that does not
// exist is unreadable (NaN) rather than rolled over into the next month.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { asOfTime, dayStartTime } from '../models/value/as-of-time.ts'

describe('asOfTime', () => {
  it('every day from 1900 to 2299 reads back as the end of that day', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2299, 11, 31) / 86_400_000 }), (day) => {
        const text = new Date(day * 86_400_000).toISOString().slice(0, 10)
        expect(dayStartTime(text)).toBe(day * 86_400_000)
        expect(asOfTime(text)).toBe((day + 1) * 86_400_000 - 1)
      }),
    )
  })

  it('days that do not exist are NaN, also at the start of an ISO time', () => {
    for (const text of ['2024-02-30', '2023-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-02-30T12:00:00Z']) {
      expect(asOfTime(text), text).toBeNaN()
    }
    expect(asOfTime('2024-02-29T12:00:00Z')).toBe(Date.UTC(2024, 1, 29, 12))
  })
})
