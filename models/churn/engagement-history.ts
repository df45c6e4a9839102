// Purchase histories with the days a customer was engaged, from per-day rows (the server reads
// them from the events, sql/queries/churn_customer_days.sql). Only days up to `lastDay` are kept,
// and only customers with a purchase by then: the value models' customers, the ones scored.
import type { PurchaseHistory } from './purchase-history.ts'

export interface CustomerDay {
  customer: string
  /** Days since 1970-01-01 UTC. */
  day: number
  /** Purchase days with their spend summed; 0 purchases: no purchase that day. */
  purchases: number
  spend: number
  /** An activity event that day. */
  active: boolean
}

export function engagementHistories(rows: Iterable<CustomerDay>, lastDay: number): PurchaseHistory[] {
  const byCustomer = new Map<string, Map<number, { spend: number; purchased: boolean }>>()
  for (const r of rows) {
    if (r.day > lastDay || (r.purchases === 0 && !r.active)) continue
    let days = byCustomer.get(r.customer)
    if (!days) byCustomer.set(r.customer, (days = new Map()))
    const d = days.get(r.day) ?? { spend: 0, purchased: false }
    if (r.purchases > 0) {
      d.purchased = true
      d.spend += r.spend
    }
    days.set(r.day, d)
  }
  const out: PurchaseHistory[] = []
  for (const [customer, days] of byCustomer) {
    const engaged = [...days.keys()].sort((a, b) => a - b)
    const bought = engaged.filter((d) => days.get(d)!.purchased)
    if (bought.length === 0) continue
    out.push({ customer, days: bought, spend: bought.map((d) => days.get(d)!.spend), engaged })
  }
  return out.sort((a, b) => (a.customer < b.customer ? -1 : a.customer > b.customer ? 1 : 0))
}
