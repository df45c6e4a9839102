// Each customer's purchases as purchase days, the unit of the churn model as of the value models
// (several purchases in one UTC day count once, their amounts summed). Only transactions up to
// the last day given are kept: nothing after the calibration end can reach a feature or a label.
import type { Transaction } from '../value/transaction-summary.ts'

export interface PurchaseHistory {
  customer: string
  /** Distinct purchase days (days since 1970-01-01 UTC), ascending. */
  days: number[]
  /** Spend on each of those days. */
  spend: number[]
  /**
   * Distinct days with an activity event or a purchase, ascending: present only where activity
   * events are known (the server's histories), read by the activity label and its features.
   */
  engaged?: number[]
}

/**
 * What churn means: `purchase`, no purchase in the window (transaction businesses, the file mode);
 * `activity`, no activity event and no purchase in it (README, "Churn scores in Pulse").
 */
export type ChurnLabel = 'purchase' | 'activity'

const DAY = 86_400_000

export const dayOf = (time: number) => Math.floor(time / DAY)

export function purchaseHistories(transactions: Iterable<Transaction>, lastDay: number): PurchaseHistory[] {
  const byCustomer = new Map<string, Map<number, number>>()
  for (const tr of transactions) {
    const day = dayOf(tr.time)
    if (day > lastDay) continue
    let days = byCustomer.get(tr.customer)
    if (!days) byCustomer.set(tr.customer, (days = new Map()))
    days.set(day, (days.get(day) ?? 0) + tr.amount)
  }
  const out: PurchaseHistory[] = []
  for (const [customer, days] of byCustomer) {
    const sorted = [...days.keys()].sort((a, b) => a - b)
    out.push({ customer, days: sorted, spend: sorted.map((d) => days.get(d)!) })
  }
  return out
}

/** How many of the ascending `days` fall on or before `day` (the index just past the last of them). */
export function countUpTo(days: readonly number[], day: number): number {
  let lo = 0
  let hi = days.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (days[mid] <= day) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** How many purchase days fall on or before `day`. */
export function daysUpTo(history: PurchaseHistory, day: number): number {
  return countUpTo(history.days, day)
}

/** The days a label watches: purchase days, or engaged days (activity or purchase). */
export function labelDays(history: PurchaseHistory, label: ChurnLabel): readonly number[] {
  return label === 'activity' ? (history.engaged ?? history.days) : history.days
}

/** 1 when the customer has no day of the label in (cutoff, cutoff + window], else 0. */
export function churnedAfter(history: PurchaseHistory, cutoffDay: number, windowDays: number, label: ChurnLabel = 'purchase'): number {
  const days = labelDays(history, label)
  const next = days[countUpTo(days, cutoffDay)]
  return next === undefined || next > cutoffDay + windowDays ? 1 : 0
}
