// The churn fit that follows each value fit on its worker thread (README, "Churn scores in
// Pulse"): the per-day rows ClickHouse returned become histories, the model is trained up to the
// fit's as_of and scores every customer with a purchase by then.
import { churnScores, type ChurnScore } from '../../models/churn/churn-bands.ts'
import { buildChurnCard, type ChurnCard } from '../../models/churn/churn-card.ts'
import { engagementHistories, type CustomerDay } from '../../models/churn/engagement-history.ts'
import type { ChurnLabel } from '../../models/churn/purchase-history.ts'

export interface ChurnFitRequest {
  /** JSONCompactEachRow lines of churn_customer_days: customer, day, purchases, spend, active. */
  days: string
  /** The last day whose events the fit may see (days since 1970-01-01 UTC): the as_of's day. */
  calibrationEndDay: number
  horizonDays: number
  label: ChurnLabel
  maxTrainingCustomers: number
}

export interface ChurnFitOutcome {
  /** Null when the data cannot train the model (the reason in `problem`). */
  card: ChurnCard | null
  problem: string | null
  /** Scores only for a converged model. */
  scores: Map<string, ChurnScore> | null
}

function* customerDays(text: string): Generator<CustomerDay> {
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    if (end > start) {
      const [customer, day, purchases, spend, active] = JSON.parse(text.slice(start, end)) as unknown[]
      yield { customer: String(customer), day: Number(day), purchases: Number(purchases), spend: Number(spend), active: Number(active) === 1 || active === true }
    }
    start = end + 1
  }
}

/** Never throws: a defect in the churn fit must not cost the value fit its scores; the refit reports it instead. */
export function fitChurn(req: ChurnFitRequest): ChurnFitOutcome {
  try {
    return fitChurnOrThrow(req)
  } catch (err) {
    return { card: null, problem: `the churn fit failed: ${err instanceof Error ? err.message : String(err)}`, scores: null }
  }
}

function fitChurnOrThrow(req: ChurnFitRequest): ChurnFitOutcome {
  const histories = engagementHistories(customerDays(req.days), req.calibrationEndDay)
  if (histories.length === 0) return { card: null, problem: 'no customer has a purchase yet', scores: null }
  const built = buildChurnCard(histories, {
    calibrationEndDay: req.calibrationEndDay,
    horizonDays: req.horizonDays,
    label: req.label,
    maxTrainingCustomers: req.maxTrainingCustomers,
  })
  if ('problem' in built) return { card: null, problem: built.problem, scores: null }
  if (!built.card.training.converged) return { card: built.card, problem: 'the logistic regression did not converge', scores: null }
  return { card: built.card, problem: null, scores: churnScores(built.scoring.customers, built.scoring.probabilities) }
}
