// `pulse ltv refresh [--as-of DATE]`: refit the customer-value models now, through the running
// Pulse (--url or the one serving the data folder) or, when none runs, on the data folder itself.
import { asOfTime } from '../../models/value/as-of-time.ts'
import { openClickHouse } from '../../sql/clickhouse-client.ts'
import { requireEmbeddedStore } from './existing-data-folder.ts'
import { migrate } from '../../sql/migrate.ts'
import { clickHouseTarget, type PulseConfig } from '../config.ts'
import { readDevKeys } from '../keys/dev-keys.ts'
import { refreshLtv, type LtvRefreshResult } from '../jobs/ltv-refresh.ts'
import { postToPulse } from './pulse-request.ts'
import { formatTable } from './row-printing.ts'
import { userError } from './user-error.ts'
import { runningServer } from '../runtime/server-file.ts'

async function viaHttp(url: string, adminKey: string, asOf: string | undefined): Promise<LtvRefreshResult | null> {
  const { status, body } = await postToPulse<{ fit?: LtvRefreshResult }>(url, '/api/ltv/refresh', adminKey, asOf ? { as_of: asOf } : {})
  if (status === 409 && body.error?.code === 'no_purchases') return null
  if (status === 422 && body.fit) return body.fit
  if (status !== 200) throw userError(body.error?.message ?? `HTTP ${status}`)
  return body.fit!
}

function asOfMs(asOf: string | undefined): number {
  if (asOf === undefined) return Date.now()
  const ms = asOfTime(asOf)
  if (Number.isNaN(ms)) throw userError(`--as-of "${asOf}" must be a date that exists, like 1997-09-30, or an ISO-8601 time`)
  return ms
}

export async function runLtvRefresh(flags: { url?: string; asOf?: string; json?: boolean }, config: PulseConfig): Promise<void> {
  const asOf = asOfMs(flags.asOf)
  const server = flags.url ? { url: flags.url } : runningServer(config.dataDir)
  let fit: LtvRefreshResult | null
  if (server) {
    // A refit rewrites the stored scores: the running Pulse wants an admin key for it.
    const adminKey = config.adminKeys[0] ?? readDevKeys(config.dataDir)?.adminKey
    if (!adminKey) throw userError('refitting a running Pulse needs an admin key: pass --admin-key KEY (or PULSE_ADMIN_KEYS, or a --keys-file)')
    fit = await viaHttp(server.url, adminKey, flags.asOf)
  } else {
    if (!config.clickhouseUrl) requireEmbeddedStore(config.dataDir)
    const ch = await openClickHouse(clickHouseTarget(config))
    try {
      await migrate(ch.client)
      fit = await refreshLtv(ch, config, asOf, Date.now())
    } finally {
      await ch.close()
    }
  }
  if (!fit) throw userError(`no purchase events to fit on yet (purchase events: ${config.ltvPurchaseEvents.join(', ')}; see --ltv-purchase-event)`)
  if (!fit.converged) {
    if (flags.json) console.log(JSON.stringify(fit))
    throw userError(`the customer-value models did not converge on ${fit.customers.toLocaleString('en-US')} customers (${fit.model_version}, recorded in model_fits with converged = 0), so the previous scores were kept: refit when more customers have bought again, or with an --as-of that covers more history`)
  }
  if (flags.json) {
    console.log(JSON.stringify(fit))
    return
  }
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4))
  const b = fit.bgnbd
  console.log(`refitted on ${fit.customers.toLocaleString('en-US')} customers in ${fit.seconds.toFixed(2)} s (${fit.model_version}); scores in customer_scores, parameters in model_fits`)
  console.log(formatTable([
    { model: 'BG/NBD', parameter: 'r', value: f(b.r), se: f(b.se.r) },
    { model: 'BG/NBD', parameter: 'alpha', value: f(b.alpha), se: f(b.se.alpha) },
    { model: 'BG/NBD', parameter: 'a', value: f(b.a), se: f(b.se.a) },
    { model: 'BG/NBD', parameter: 'b', value: f(b.b), se: f(b.se.b) },
    ...(fit.gammagamma ? [{ model: 'Gamma-Gamma', parameter: 'p', value: f(fit.gammagamma.p), se: '' }, { model: 'Gamma-Gamma', parameter: 'q', value: f(fit.gammagamma.q), se: '' }, { model: 'Gamma-Gamma', parameter: 'v', value: f(fit.gammagamma.v), se: '' }] : []),
  ]))
  const c = fit.churn
  if (c) {
    console.log(c.problem
      ? `churn model: no scores (${c.problem})`
      : `churn model: ${c.scored.toLocaleString('en-US')} customers scored; AUC ${f(c.auc)}, Brier ${f(c.brier)} (on the backtest when the history allows one; pulse churn card shows the whole card)`)
  }
}
