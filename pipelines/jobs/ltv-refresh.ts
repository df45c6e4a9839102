// Refits the customer-value models on the purchase summaries in ClickHouse and stores every
// customer's scores (customer_scores) and the fit's parameters (model_fits). Runs on a schedule
// inside `pulse serve`, on demand through POST /api/ltv/refresh, and from `pulse ltv refresh`.
import type { ClickHouseClient } from '@clickhouse/client'
import { bgnbdConditionalExpected, bgnbdPAlive, fitBgNbd } from '../../models/value/bgnbd.ts'
import { DAYS_PER_MONTH, discountedClv } from '../../models/value/clv.ts'
import { fitGammaGamma, gammaGammaExpectedSpend } from '../../models/value/gamma-gamma.ts'
import { clvCutoff, DEFAULT_TIER_THRESHOLDS, quintileScores, tierOf } from '../../models/value/rfm.ts'
import { namedQuery } from '../../sql/named-query.ts'
import type { PulseConfig } from '../config.ts'

export type LtvSettings = Pick<PulseConfig, 'ltvPurchaseEvents' | 'ltvAmountProperty' | 'ltvActivityEvents' | 'ltvUnitDays' | 'ltvHorizon' | 'ltvMonths' | 'ltvDiscount'>

export interface LtvRefreshResult {
  model_version: string
  customers: number
  bgnbd: { r: number; alpha: number; a: number; b: number; ll: number; se: { r: number; alpha: number; a: number; b: number } }
  gammagamma: { p: number; q: number; v: number; ll: number } | null
  seconds: number
}

interface Scored {
  clv: number | null
}

/** RFM quintiles over the fitted population and each customer's tier (models/rfm.ts). */
async function withTiers<S extends Scored>(client: ClickHouseClient, settings: LtvSettings, asOf: number, customers: Array<{ customer: string; x: number; tx: number; T: number; m: number }>, scores: S[]) {
  const t = DEFAULT_TIER_THRESHOLDS
  const activity = await namedQuery<{ customer: string; inactive_days: number; spend_recent: number; spend_before: number }>(client, 'customer_activity', {
    activity: settings.ltvActivityEvents,
    purchases: settings.ltvPurchaseEvents,
    amount_property: settings.ltvAmountProperty,
    end: dateTimeParam(asOf),
    window_days: t.spendWindowDays,
  })
  const byCustomer = new Map(activity.map((a) => [a.customer, a]))
  const r = quintileScores(customers.map((c) => c.T - c.tx), false)
  const f = quintileScores(customers.map((c) => c.x))
  const m = quintileScores(customers.map((c) => c.m))
  const cutoff = clvCutoff(scores.map((s) => s.clv), t.highValueTopShare)
  return scores.map((s, i) => {
    const a = byCustomer.get(customers[i].customer)
    const tier = tierOf(
      {
        recencyScore: r[i], frequencyScore: f[i], monetaryScore: m[i], clv: s.clv,
        inactiveDays: a ? Number(a.inactive_days) : Infinity, spendRecent: a ? Number(a.spend_recent) : 0, spendBefore: a ? Number(a.spend_before) : 0,
      },
      cutoff,
      t,
    )
    return { ...s, r_score: r[i], f_score: f[i], m_score: m[i], tier }
  })
}

/** DateTime64(3) parameter text of an epoch-ms time. */
const dateTimeParam = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')

/** Fits on the purchases up to `asOf` and stores the scores, stamped `fittedAt`; null when there are no purchases yet. */
export async function refreshLtv(client: ClickHouseClient, settings: LtvSettings, asOf: number, fittedAt: number): Promise<LtvRefreshResult | null> {
  const started = performance.now()
  const rows = await namedQuery<{ customer: string; x: number; t_x: number; T: number; m: number }>(client, 'purchase_period_summaries', {
    events: settings.ltvPurchaseEvents,
    amount_property: settings.ltvAmountProperty,
    end: dateTimeParam(asOf),
    period_days: 1,
    unit_days: settings.ltvUnitDays,
  })
  if (rows.length === 0) return null
  const customers = rows.map((r) => ({ customer: r.customer, x: Number(r.x), tx: Number(r.t_x), T: Number(r.T), m: Number(r.m) }))
  const bg = fitBgNbd(customers)
  const repeat = customers.filter((c) => c.x > 0 && c.m > 0)
  const gg = repeat.length ? fitGammaGamma(repeat) : null
  const version = `bgnbd-gg-${new Date(fittedAt).toISOString()}-as-of-${new Date(asOf).toISOString()}`
  const clvOptions = { months: settings.ltvMonths, monthlyDiscount: settings.ltvDiscount, unitsPerMonth: DAYS_PER_MONTH / settings.ltvUnitDays }
  const finite = (v: number) => (Number.isFinite(v) ? v : null)
  const scores = customers.map((c) => {
    const spend = gg && gg.q > 1 ? gammaGammaExpectedSpend(c, gg) : NaN
    return {
      customer: c.customer, model_version: version, fitted_at: fittedAt, frequency: c.x, recency: c.tx, age: c.T, monetary: c.m,
      expected_purchases: finite(bgnbdConditionalExpected(c, settings.ltvHorizon, bg)) ?? 0,
      p_alive: finite(bgnbdPAlive(c, bg)) ?? 0,
      expected_spend: finite(spend),
      clv: Number.isFinite(spend) ? finite(discountedClv(c, bg, spend, clvOptions)) : null,
    }
  })
  const tiered = await withTiers(client, settings, asOf, customers, scores)
  await client.insert({ table: 'customer_scores', values: tiered, format: 'JSONEachRow' })
  const seconds = (performance.now() - started) / 1000
  await client.insert({
    table: 'model_fits',
    format: 'JSONEachRow',
    values: [{
      model_version: version, fitted_at: fittedAt, as_of: dateTimeParam(asOf), customers: customers.length, unit_days: settings.ltvUnitDays, horizon: settings.ltvHorizon,
      r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, ll: bg.ll, se_r: bg.se.r, se_alpha: bg.se.alpha, se_a: bg.se.a, se_b: bg.se.b,
      gg_p: gg?.p ?? null, gg_q: gg?.q ?? null, gg_gamma: gg?.gamma ?? null, gg_ll: gg?.ll ?? null, seconds,
    }],
  })
  return {
    model_version: version,
    customers: customers.length,
    bgnbd: { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, ll: bg.ll, se: bg.se },
    gammagamma: gg ? { p: gg.p, q: gg.q, v: gg.gamma, ll: gg.ll } : null,
    seconds,
  }
}
