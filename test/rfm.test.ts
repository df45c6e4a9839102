// RFM quintiles keep ties together; each RFM-LTV tier rule fires on its own condition.
import { describe, expect, it } from 'vitest'
import { clvCutoff, DEFAULT_TIER_THRESHOLDS, quintileScores, tierOf, type TierInput } from '../models/value/rfm.ts'

describe('quintile scores', () => {
  it('spreads distinct values over five scores, best values highest', () => {
    expect(quintileScores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    expect(quintileScores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], false)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1])
  })
  it('keeps equal values in one score', () => {
    const scores = quintileScores([0, 0, 0, 0, 0, 0, 3, 7, 7, 9])
    expect(new Set(scores.slice(0, 6)).size).toBe(1)
    expect(scores[7]).toBe(scores[8])
    expect(scores[9]).toBeGreaterThan(scores[6])
  })
})

describe('RFM-LTV tiers', () => {
  const active: TierInput = { recencyScore: 5, frequencyScore: 3, monetaryScore: 3, clv: 50, inactiveDays: 2, spendRecent: 100, spendBefore: 100 }
  it('fires each rule on its own condition', () => {
    expect(tierOf({ ...active, inactiveDays: 30 }, 100)).toBe('churn_risk')
    expect(tierOf({ ...active, clv: 150 }, 100)).toBe('high_value')
    expect(tierOf({ ...active, clv: 150, recencyScore: 2 }, 100)).toBe('steady')
    expect(tierOf({ ...active, spendRecent: 150 }, 100)).toBe('potential')
    expect(tierOf({ ...active, spendRecent: 149 }, 100)).toBe('steady')
    expect(tierOf({ ...active, frequencyScore: 1, monetaryScore: 2, spendRecent: 0 }, 100)).toBe('low_value_active')
    expect(DEFAULT_TIER_THRESHOLDS.churnRiskInactiveDays).toBe(30)
  })
  it('puts the CLV cut-off at the top share, ignoring customers without a CLV', () => {
    expect(clvCutoff([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.2)).toBe(9)
    expect(clvCutoff([null, 5, null, 1], 0.5)).toBe(5)
    expect(clvCutoff([null], 0.2)).toBe(Infinity)
  })
})
