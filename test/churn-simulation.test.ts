// The behavioural churn model against a purchase-only one on the simulator's data, with the
// simulator's churn days as truth: both trained on the same events up to the last simulated day,
// both scoring the same customers (everyone with a purchase), the truth being whether the
// customer had churned by then. The behavioural model must rank and fit that truth better.
import { describe, expect, it } from 'vitest'
import { buildChurnCard } from '../models/churn/churn-card.ts'
import { engagementHistories, type CustomerDay } from '../models/churn/engagement-history.ts'
import { brierScore, rocAuc } from '../models/churn/classification-metrics.ts'
import { dayOf } from '../models/churn/purchase-history.ts'
import { simulate, simulationParams } from '../models/simulation/simulation.ts'

const START = Date.UTC(2025, 0, 1)
const DAYS = 365
const HORIZON = 30

function simulatedCustomerDays(seed: number, customers: number): { rows: CustomerDay[]; churned: Map<string, number> } {
  const rows: CustomerDay[] = []
  const churned = new Map<string, number>()
  for (const { truth, events } of simulate(simulationParams({ seed, customers, days: DAYS, startMs: START }))) {
    const customer = `c${truth.index}`
    churned.set(customer, truth.churnDay === null ? 0 : 1)
    for (const e of events) {
      // Activity as the server counts it by default: every event but identify, alias and group calls.
      if (e.type === 'identify') continue
      const purchase = e.event === 'Order Completed'
      rows.push({ customer, day: dayOf(Date.parse(e.timestamp)), purchases: purchase ? 1 : 0, spend: purchase ? Number(e.properties?.revenue ?? 0) : 0, active: true })
    }
  }
  return { rows, churned }
}

function fitted(label: 'activity' | 'purchase', rows: CustomerDay[], lastDay: number) {
  const histories = engagementHistories(rows, lastDay)
  const built = buildChurnCard(histories, { calibrationEndDay: lastDay, horizonDays: HORIZON, label })
  if ('problem' in built) throw new Error(built.problem)
  return built
}

describe('churn on simulated data, the simulator\'s churn days as truth', () => {
  it('the behavioural model beats a purchase-only model on AUC and Brier', () => {
    const { rows, churned } = simulatedCustomerDays(31, 3000)
    const lastDay = dayOf(START) + DAYS - 1
    const behavioural = fitted('activity', rows, lastDay)
    const purchaseOnly = fitted('purchase', rows, lastDay)
    expect(behavioural.scoring.customers).toEqual(purchaseOnly.scoring.customers)
    const truth = behavioural.scoring.customers.map((c) => churned.get(c)!)
    const quality = (p: number[]) => ({ auc: rocAuc(p, truth), brier: brierScore(p, truth) })
    const b = quality(behavioural.scoring.probabilities)
    const p = quality(purchaseOnly.scoring.probabilities)
    const f = (v: number) => v.toFixed(4)
    console.log(
      `simulated churn (${truth.length} customers with a purchase, ${truth.filter((y) => y === 1).length} churned by day ${DAYS}):\n` +
        `  model          AUC     Brier\n` +
        `  behavioural    ${f(b.auc)}  ${f(b.brier)}\n` +
        `  purchase-only  ${f(p.auc)}  ${f(p.brier)}\n` +
        `  difference     ${f(b.auc - p.auc)}  ${f(b.brier - p.brier)}`,
    )
    expect(b.auc).toBeGreaterThan(p.auc)
    expect(b.brier).toBeLessThan(p.brier)
  }, 300_000)
})
