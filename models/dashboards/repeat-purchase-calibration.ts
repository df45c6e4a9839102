// The BG/NBD calibration chart of the customers a fit scored (Fader, Hardie & Lee 2005, figure 3;
// lifetimes' plot_period_transactions): how many customers made 0, 1, 2, ... repeat purchases by
// the fit's as_of, against how many the fitted model expects given each customer's age T,
// sum over customers of P(X(T) = x). The last group holds `top` repeats and more.
import { bgnbdProbabilityOfPurchases, type BgNbdParams } from '../value/bgnbd.ts'

export interface AgeRepeatCount {
  /** T, the customer's age at as_of in the fit's time unit. */
  age: number
  /** Repeat purchases, already capped at `top`. */
  repeats: number
  customers: number
}

export interface RepeatGroup {
  repeats: number
  label: string
  observed: number
  expected: number
}

export function repeatPurchaseCalibration(rows: readonly AgeRepeatCount[], params: BgNbdParams, top: number): RepeatGroup[] {
  const groups: RepeatGroup[] = Array.from({ length: top + 1 }, (_, x) => ({ repeats: x, label: x === top ? `${top}+` : String(x), observed: 0, expected: 0 }))
  const customersByAge = new Map<number, number>()
  for (const r of rows) {
    groups[Math.min(top, r.repeats)].observed += r.customers
    customersByAge.set(r.age, (customersByAge.get(r.age) ?? 0) + r.customers)
  }
  for (const [age, customers] of customersByAge) {
    let below = 0
    for (let x = 0; x < top; x++) {
      const p = bgnbdProbabilityOfPurchases(x, age, params)
      groups[x].expected += customers * p
      below += p
    }
    groups[top].expected += customers * Math.max(0, 1 - below)
  }
  return groups.map((g) => ({ ...g, expected: Math.round(g.expected * 10) / 10 }))
}
