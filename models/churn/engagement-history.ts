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

interface Builder {
  customer: string
  days: number[]
  spend: number[]
  purchased: boolean[]
  ordered: boolean
}

/** One customer's days in order, a day given twice merged (spend summed; a purchase if either was). */
function finish(b: Builder): PurchaseHistory | null {
  let order = b.days.map((_, i) => i)
  if (!b.ordered) order = order.sort((i, j) => b.days[i] - b.days[j])
  const engaged: number[] = []
  const days: number[] = []
  const spend: number[] = []
  for (const i of order) {
    const d = b.days[i]
    if (engaged[engaged.length - 1] !== d) engaged.push(d)
    if (!b.purchased[i]) continue
    if (days[days.length - 1] === d) spend[spend.length - 1] += b.spend[i]
    else {
      days.push(d)
      spend.push(b.spend[i])
    }
  }
  return days.length ? { customer: b.customer, days, spend, engaged } : null
}

/** Rows in customer and day order (as the server's query returns them) take one pass; any order works. */
export function engagementHistories(rows: Iterable<CustomerDay>, lastDay: number): PurchaseHistory[] {
  const builders = new Map<string, Builder>()
  let current: Builder | undefined
  for (const r of rows) {
    if (r.day > lastDay || (r.purchases === 0 && !r.active)) continue
    if (current?.customer !== r.customer) {
      current = builders.get(r.customer)
      if (!current) builders.set(r.customer, (current = { customer: r.customer, days: [], spend: [], purchased: [], ordered: true }))
    }
    const previous = current.days[current.days.length - 1]
    if (previous !== undefined && r.day < previous) current.ordered = false
    current.days.push(r.day)
    current.spend.push(r.purchases > 0 ? r.spend : 0)
    current.purchased.push(r.purchases > 0)
  }
  const out: PurchaseHistory[] = []
  for (const b of builders.values()) {
    const h = finish(b)
    if (h) out.push(h)
  }
  return out.sort((a, b) => (a.customer < b.customer ? -1 : a.customer > b.customer ? 1 : 0))
}
