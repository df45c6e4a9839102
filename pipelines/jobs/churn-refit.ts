// The churn fit's two steps on the main thread, around the value fit's worker (README, "Churn
// scores in Pulse"): the per-day rows it trains on, read up to the fit's as_of only, and the card
// it produced, stored in churn_models under the value fit's model version.
import type { ClickHouseClient } from '@clickhouse/client'
import type { ChurnCard } from '../../models/churn/churn-card.ts'
import { dayOf } from '../../models/churn/purchase-history.ts'
import { DEFAULT_FEATURE_CONFIG } from '../../models/tags/feature-config.ts'
import { query } from '../../sql/sql-files.ts'
import type { PulseConfig } from '../config.ts'
import type { ChurnFitRequest } from './churn-fit-step.ts'

/**
 * Training draws its rows from at most this many customers (an even spread; every customer is
 * scored): the cost grows with customers x cutoffs (a BG/NBD fit at each, twice with the
 * backtest), and up to 12 cutoffs of 2,000 customers still give some 10,000 rows for 26
 * coefficients.
 */
export const CHURN_MAX_TRAINING_CUSTOMERS = 2_000

export interface ChurnFitSummary {
  version: string
  label: string
  horizon_days: number
  /** Customers given a churn score (0 when the model could not be trained or did not converge). */
  scored: number
  auc: number | null
  brier: number | null
  /** Why no scores were stored; null when they were. */
  problem: string | null
}

const dateTimeParam = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')

export type ChurnSettings = Pick<PulseConfig, 'ltvPurchaseEvents' | 'ltvAmountProperty'> & Partial<Pick<PulseConfig, 'churnHorizonDays' | 'churnPurchaseOnly' | 'profilesSettings'>>

export async function churnFitRequest(client: ClickHouseClient, settings: ChurnSettings, asOf: number): Promise<ChurnFitRequest> {
  const activityEvents = (settings.profilesSettings?.features ?? DEFAULT_FEATURE_CONFIG).activityEvents
  const result = await client.query({
    query: query('churn_customer_days'),
    query_params: {
      purchases: settings.ltvPurchaseEvents,
      amount_property: settings.ltvAmountProperty,
      activity: activityEvents ?? [],
      all_activity: activityEvents === null ? 1 : 0,
      end: dateTimeParam(asOf),
    },
    format: 'JSONCompactEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  })
  return {
    days: await result.text(),
    calibrationEndDay: dayOf(asOf),
    horizonDays: settings.churnHorizonDays ?? 30,
    label: settings.churnPurchaseOnly ? 'purchase' : 'activity',
    maxTrainingCustomers: CHURN_MAX_TRAINING_CUSTOMERS,
  }
}

const finiteOrNull = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null)

/** Stores the card (when the data could train one) and answers what the refit reports of it. */
export async function storeChurnModel(
  client: ClickHouseClient,
  churn: { card: ChurnCard | null; problem: string | null; scored: number },
  request: Pick<ChurnFitRequest, 'label' | 'horizonDays'>,
  version: string,
  fittedAt: number,
  asOf: number,
): Promise<ChurnFitSummary> {
  const { card } = churn
  // The backtest is the honest figure (scored on a period the model did not train on); in-sample only when there is none.
  const quality = card?.backtest?.model ?? card?.inSample
  if (card) {
    await client.insert({
      table: 'churn_models',
      format: 'JSONEachRow',
      values: [{
        version, fitted_at: fittedAt, as_of: dateTimeParam(asOf), label: card.label, horizon_days: card.horizonDays,
        training_from: card.training.labelsFrom, training_to: card.training.to, training_rows: card.training.rows, customers: card.scoring.customers,
        auc: finiteOrNull(quality?.auc), brier: finiteOrNull(quality?.brier), converged: card.training.converged ? 1 : 0,
        card: JSON.stringify(card),
      }],
    })
  }
  return {
    version,
    label: request.label,
    horizon_days: request.horizonDays,
    scored: churn.scored,
    auc: finiteOrNull(quality?.auc),
    brier: finiteOrNull(quality?.brier),
    problem: churn.problem,
  }
}
