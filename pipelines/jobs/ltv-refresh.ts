// Refits the customer-value models on the purchase summaries in ClickHouse and stores every
// customer's scores (customer_scores) and the fit's parameters (model_fits). Runs on a schedule
// inside `pulse serve`, on demand through POST /api/ltv/refresh, and from `pulse ltv refresh`.
// The fit, the scoring and the encoding run on a worker thread (ltv-fit-thread.ts); this thread
// only sends queries and inserts a file, so HTTP stays answered during a refit of a million.
import type { ClickHouseClient } from '@clickhouse/client'
import { DAYS_PER_MONTH } from '../../models/value/clv.ts'
import { DEFAULT_TIER_THRESHOLDS } from '../../models/value/rfm.ts'
import type { ClickHouse } from '../../sql/clickhouse-client.ts'
import { SCORES_TARGET } from '../../sql/writers/customer-scores-writer.ts'
import { query } from '../../sql/sql-files.ts'
import type { PulseConfig } from '../config.ts'
import { churnFitRequest, storeChurnModel, type ChurnFitSummary } from './churn-refit.ts'
import { fitOnWorkerThread } from './ltv-fit-thread.ts'

export type LtvSettings = Pick<PulseConfig, 'ltvPurchaseEvents' | 'ltvAmountProperty' | 'ltvActivityEvents' | 'ltvUnitDays' | 'ltvHorizon' | 'ltvMonths' | 'ltvDiscount'> &
  Partial<Pick<PulseConfig, 'churnHorizonDays' | 'churnPurchaseOnly' | 'profilesSettings'>>

type Se = { r: number | null; alpha: number | null; a: number | null; b: number | null }

export interface LtvRefreshResult {
  model_version: string
  customers: number
  /** False when an optimiser stopped short: the fit is recorded in model_fits (converged = 0), no scores are stored. */
  converged: boolean
  /** Standard errors are null when the Hessian is singular (a parameter the data do not identify). */
  bgnbd: { r: number; alpha: number; a: number; b: number; ll: number; se: Se; converged: boolean }
  gammagamma: { p: number; q: number; v: number; ll: number; converged: boolean } | null
  /** The churn fit that followed (README, "Churn scores in Pulse"); null when the value fit did not converge. */
  churn: ChurnFitSummary | null
  seconds: number
}

/** DateTime64(3) parameter text of an epoch-ms time. */
const dateTimeParam = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')

/** A named query's rows as JSONCompactEachRow text: parsed on the worker thread, not here. */
async function rowsText(client: ClickHouseClient, name: string, params: Record<string, unknown>): Promise<string> {
  const result = await client.query({ query: query(name), query_params: params, format: 'JSONCompactEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })
  return result.text()
}

const orNull = (v: number) => (Number.isFinite(v) ? v : null)

/**
 * Fits on the purchases up to `asOf` and stores the scores, stamped `fittedAt`; null when there
 * are no purchases yet. An unconverged fit is recorded but not stored as current (converged: false).
 */
export async function refreshLtv(ch: ClickHouse, settings: LtvSettings, asOf: number, fittedAt: number): Promise<LtvRefreshResult | null> {
  const started = performance.now()
  const summaries = await rowsText(ch.client, 'purchase_period_summaries', {
    events: settings.ltvPurchaseEvents,
    amount_property: settings.ltvAmountProperty,
    end: dateTimeParam(asOf),
    period_days: 1,
    unit_days: settings.ltvUnitDays,
  })
  if (summaries.trim() === '') return null
  const activity = await rowsText(ch.client, 'customer_activity', {
    activity: settings.ltvActivityEvents,
    purchases: settings.ltvPurchaseEvents,
    amount_property: settings.ltvAmountProperty,
    end: dateTimeParam(asOf),
    window_days: DEFAULT_TIER_THRESHOLDS.spendWindowDays,
  })
  const churnRequest = await churnFitRequest(ch.client, settings, asOf)
  const version = `bgnbd-gg-${new Date(fittedAt).toISOString()}-as-of-${new Date(asOf).toISOString()}`
  const fit = await fitOnWorkerThread({
    summaries,
    activity,
    scoring: { horizon: settings.ltvHorizon, months: settings.ltvMonths, monthlyDiscount: settings.ltvDiscount, unitsPerMonth: DAYS_PER_MONTH / settings.ltvUnitDays },
    churn: churnRequest,
    modelVersion: version,
    fittedAtMs: fittedAt,
    spoolFile: ch.spoolFile(),
  })
  const { bgnbd: bg, gammagamma: gg } = fit
  const converged = fit.rows !== null
  if (fit.rows) await ch.insertTabSeparated(SCORES_TARGET, fit.rows)
  const churn = converged && fit.churn ? await storeChurnModel(ch.client, fit.churn, churnRequest, version, fittedAt, asOf) : null
  const seconds = (performance.now() - started) / 1000
  await ch.client.insert({
    table: 'model_fits',
    format: 'JSONEachRow',
    values: [{
      model_version: version, fitted_at: fittedAt, as_of: dateTimeParam(asOf), customers: fit.customers, unit_days: settings.ltvUnitDays, horizon: settings.ltvHorizon,
      r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, ll: bg.ll, se_r: orNull(bg.se.r), se_alpha: orNull(bg.se.alpha), se_a: orNull(bg.se.a), se_b: orNull(bg.se.b),
      gg_p: gg?.p ?? null, gg_q: gg?.q ?? null, gg_gamma: gg?.gamma ?? null, gg_ll: gg?.ll ?? null, seconds, converged: converged ? 1 : 0,
    }],
  })
  return {
    model_version: version,
    customers: fit.customers,
    converged,
    bgnbd: { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, ll: bg.ll, se: { r: orNull(bg.se.r), alpha: orNull(bg.se.alpha), a: orNull(bg.se.a), b: orNull(bg.se.b) }, converged: bg.converged },
    gammagamma: gg ? { p: gg.p, q: gg.q, v: gg.gamma, ll: gg.ll, converged: gg.converged } : null,
    churn,
    seconds,
  }
}
