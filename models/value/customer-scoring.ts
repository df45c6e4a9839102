// Every customer's scores from one fit of BG/NBD and Gamma-Gamma: expected purchases over the
// horizon, P(alive), expected spend, discounted CLV, RFM quintiles and the RFM-LTV tier (rfm.ts).
import { bgnbdConditionalExpected, bgnbdPAlive, type BgNbdParams } from './bgnbd.ts'
import { discountedClv } from './clv.ts'
import { gammaGammaExpectedSpend, type GammaGammaParams } from './gamma-gamma.ts'
import { clvCutoff, DEFAULT_TIER_THRESHOLDS, quintileScores, tierOf, type Tier, type TierThresholds } from './rfm.ts'

/** A customer's purchase summary in model time units, with m the mean spend of the repeat periods. */
export interface NamedSummary {
  customer: string
  x: number
  tx: number
  T: number
  m: number
}

/** Activity beside the purchases, as of the fit's end (for the tiers). */
export interface CustomerActivity {
  inactiveDays: number
  spendRecent: number
  spendBefore: number
}

export interface ScoringOptions {
  /** Time units ahead for expected purchases. */
  horizon: number
  months: number
  monthlyDiscount: number
  unitsPerMonth: number
}

export interface CustomerScore {
  customer: string
  frequency: number
  recency: number
  age: number
  monetary: number
  expected_purchases: number
  p_alive: number
  expected_spend: number | null
  clv: number | null
  r_score: number
  f_score: number
  m_score: number
  tier: Tier
}

const finite = (v: number) => (Number.isFinite(v) ? v : null)

export function scoreCustomers(
  customers: readonly NamedSummary[],
  bg: BgNbdParams,
  gg: GammaGammaParams | null,
  options: ScoringOptions,
  activity: ReadonlyMap<string, CustomerActivity>,
  t: TierThresholds = DEFAULT_TIER_THRESHOLDS,
): CustomerScore[] {
  const clvOptions = { months: options.months, monthlyDiscount: options.monthlyDiscount, unitsPerMonth: options.unitsPerMonth }
  // The Gamma-Gamma mean spend exists only for q > 1 (gamma-gamma.ts).
  const spends = customers.map((c) => (gg && gg.q > 1 ? gammaGammaExpectedSpend(c, gg) : NaN))
  const clvs = customers.map((c, i) => (Number.isFinite(spends[i]) ? finite(discountedClv(c, bg, spends[i], clvOptions)) : null))
  const r = quintileScores(customers.map((c) => c.T - c.tx), false)
  const f = quintileScores(customers.map((c) => c.x))
  const m = quintileScores(customers.map((c) => c.m))
  const cutoff = clvCutoff(clvs, t.highValueTopShare)
  return customers.map((c, i) => {
    const a = activity.get(c.customer)
    const tier = tierOf(
      {
        recencyScore: r[i], frequencyScore: f[i], monetaryScore: m[i], clv: clvs[i],
        inactiveDays: a ? a.inactiveDays : Infinity, spendRecent: a ? a.spendRecent : 0, spendBefore: a ? a.spendBefore : 0,
      },
      cutoff,
      t,
    )
    return {
      customer: c.customer, frequency: c.x, recency: c.tx, age: c.T, monetary: c.m,
      expected_purchases: finite(bgnbdConditionalExpected(c, options.horizon, bg)) ?? 0,
      p_alive: finite(bgnbdPAlive(c, bg)) ?? 0,
      expected_spend: finite(spends[i]),
      clv: clvs[i],
      r_score: r[i], f_score: f[i], m_score: m[i], tier,
    }
  })
}
