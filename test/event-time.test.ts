// Event times: the fast reader of toISOString() texts agrees with the engine-independent rule
// (ISO 8601, UTC) for every time the table can hold, and refuses dates that do not exist.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_TIME_MS, MIN_TIME_MS, parseTime } from '../models/events/event-time.ts'

describe('event times', () => {
  it('reads every toISOString() text, with and without milliseconds, as the time it names', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_TIME_MS, max: MAX_TIME_MS }), (ms) => {
        const iso = new Date(ms).toISOString()
        expect(parseTime(iso)).toBe(ms)
        expect(parseTime(iso.slice(0, 19) + 'Z')).toBe(ms - (ms % 1000 + 1000) % 1000)
      }),
      { numRuns: 5000 },
    )
  })

  it('refuses days a month does not have, in the canonical form too', () => {
    for (const text of ['2026-02-29T00:00:00.000Z', '2100-02-29T00:00:00Z', '2026-04-31T12:00:00.000Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00.000Z', '2026-01-01T00:60:00Z']) {
      expect(parseTime(text), text).toBeNaN()
    }
    expect(parseTime('2024-02-29T00:00:00.000Z')).toBe(Date.UTC(2024, 1, 29))
    expect(parseTime('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29))
  })
})
