// A transaction log -> per-customer summaries for the customer-value models: frequency x (purchase
// periods after the first), recency t_x (first to last), age T (first to the calibration end) and
// monetary m (mean spend of the repeat periods).
// Choices, as the reference (lifetimes' summary_data_from_transaction_data) makes them:
// - several purchases in one period (a day, say) count as one, their amounts summed;
// - times are measured between period starts and divided by `unitDays` (7: weeks, as in the papers);
// - the calibration cut-off is applied to the transaction times before flooring: a purchase after
//   the cut-off is left out even when its period began before (the reference's weekly mode keeps it).

export interface Transaction {
  customer: string
  /** Epoch ms. */
  time: number
  amount: number
}

export interface SummaryOptions {
  /** Last moment of the calibration period, epoch ms (inclusive). */
  calibrationEnd: number
  /** Length of a purchase period in days (1: days). */
  periodDays: number
  /** Days per output time unit (7: weeks). */
  unitDays: number
}

export interface TransactionSummary {
  customer: string
  x: number
  tx: number
  T: number
  m: number
}

const DAY = 86_400_000

export function summarizeTransactions(transactions: Iterable<Transaction>, opts: SummaryOptions): TransactionSummary[] {
  const periodMs = opts.periodDays * DAY
  const periodOf = (t: number) => Math.floor(t / periodMs)
  const byCustomer = new Map<string, Map<number, number>>()
  for (const tr of transactions) {
    if (tr.time > opts.calibrationEnd) continue
    let periods = byCustomer.get(tr.customer)
    if (!periods) byCustomer.set(tr.customer, (periods = new Map()))
    const p = periodOf(tr.time)
    periods.set(p, (periods.get(p) ?? 0) + tr.amount)
  }
  const endPeriod = periodOf(opts.calibrationEnd)
  const toUnits = (periods: number) => (periods * opts.periodDays) / opts.unitDays
  const out: TransactionSummary[] = []
  for (const [customer, periods] of byCustomer) {
    const keys = [...periods.keys()].sort((a, b) => a - b)
    const first = keys[0]
    const repeat = keys.slice(1)
    const m = repeat.length ? repeat.reduce((s, k) => s + periods.get(k)!, 0) / repeat.length : 0
    out.push({ customer, x: repeat.length, tx: toUnits(keys[keys.length - 1] - first), T: toUnits(endPeriod - first), m })
  }
  return out
}
