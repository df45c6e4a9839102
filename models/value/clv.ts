// Discounted customer lifetime value over H months, as the reference (lifetimes'
// customer_lifetime_value) computes it: each month's expected purchases (BG/NBD, conditional on
// the customer's history) times the expected spend per purchase (Gamma-Gamma), discounted monthly.
import { bgnbdConditionalExpected, type BgNbdParams } from './bgnbd.ts'
import type { CustomerSummary } from './customer-summary.ts'

/** A month is 4.345 weeks (30.415 days), the reference's convention for weekly data. */
export const DAYS_PER_MONTH = 4.345 * 7

export interface ClvOptions {
  months: number
  /** Monthly discount rate, e.g. 0.01. */
  monthlyDiscount: number
  /** Time units of the summaries per month: DAYS_PER_MONTH / 7 (4.345) for weeks. */
  unitsPerMonth: number
}

export function discountedClv(c: CustomerSummary, bg: BgNbdParams, expectedSpend: number, opts: ClvOptions): number {
  const month = opts.unitsPerMonth
  let clv = 0
  let before = 0
  for (let k = 1; k <= opts.months; k++) {
    const upTo = bgnbdConditionalExpected(c, k * month, bg)
    clv += (expectedSpend * (upTo - before)) / Math.pow(1 + opts.monthlyDiscount, k)
    before = upTo
  }
  return clv
}
