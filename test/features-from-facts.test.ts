// The pure feature count over stored facts: the tie rules the engine used to apply (argMax by
// (time, key) with the key a UInt64; argMin by receive time over copies) hold here too.
import { describe, expect, it } from 'vitest'
import { featuresFromFacts, type RolledFact } from '../models/tags/features-from-facts.ts'

const NOW = Date.UTC(2026, 5, 1)
const DAY = 86_400_000

function fact(over: Partial<RolledFact>): RolledFact {
  return {
    h: '1', ts: NOW - DAY, receivedAt: NOW - DAY, activity: true, login: false, order: false, amount: 0, coupon: false, category: '', channel: '',
    complaint: '', complaintId: '', severity: '', enquiry: false, topic: '', nps: null, region: '', ageBand: '', plan: '', ...over,
  }
}

describe('featuresFromFacts', () => {
  it('breaks ties in time by the larger key as a number, not as text', () => {
    const f = featuresFromFacts('p', ['u'], [fact({ h: '9', region: 'nine', nps: 3 }), fact({ h: '10', region: 'ten', nps: 8 })], NOW)
    expect(f.traits.region).toBe('ten')
    expect(f.lastNps?.score).toBe(8)
  })

  it('keeps the copy received first, before deciding whether it is past now', () => {
    const first = fact({ h: '5', ts: NOW + 10, receivedAt: NOW - 100, order: true, amount: 7 })
    const retry = fact({ h: '5', ts: NOW - 10, receivedAt: NOW - 50, order: true, amount: 7 })
    expect(featuresFromFacts('p', ['u'], [retry, first], NOW).ordersTotal).toBe(0)
    expect(featuresFromFacts('p', ['u'], [retry, first], NOW + 10).ordersTotal).toBe(1)
  })

  it('gives the favourite to the most recent value on equal counts and the next window exit of the oldest counted fact', () => {
    const facts = [fact({ h: '1', category: 'hats', ts: NOW - 3 * DAY }), fact({ h: '2', category: 'bags', ts: NOW - 2 * DAY })]
    const f = featuresFromFacts('p', ['u'], facts, NOW)
    expect(f.favouriteCategory).toBe('bags')
    // The fact of 3 days ago leaves the 7-day window first.
    expect(f.nextWindowExit).toBe(NOW - 3 * DAY + 7 * DAY)
  })

  it('opens a complaint at its first filing with the deadline of its severity, case and spaces aside', () => {
    const facts = [
      fact({ h: '1', complaint: 'filed', complaintId: 'c1', severity: ' Major ', ts: NOW - 5 * DAY }),
      fact({ h: '2', complaint: 'filed', complaintId: 'c1', severity: 'normal', ts: NOW - 4 * DAY }),
      fact({ h: '3', complaint: 'filed', complaintId: 'c0', severity: 'odd', ts: NOW - 4 * DAY }),
    ]
    const f = featuresFromFacts('p', ['u'], facts, NOW)
    expect(f.openComplaints.map((c) => [c.complaintId, c.deadline - c.filedAt])).toEqual([['c0', 24 * 3_600_000], ['c1', 2 * 3_600_000]])
    expect(f.complaints365d).toBe(2)
  })
})
