// End to end: CDNOW transactions imported into a running Pulse and refreshed give the same model
// as the file, and every customer gets finite scores in customer_scores.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { runImport } from '../pipelines/cli/import-command.ts'
import { runLtvFit } from '../pipelines/cli/ltv-fit-command.ts'
import { refreshLtv } from '../pipelines/jobs/ltv-refresh.ts'
import { ADMIN_KEY, sql, startTestPulse, testConfig, waitFor } from './helpers/test-pulse.ts'

const CDNOW = path.resolve(import.meta.dirname, 'fixtures/cdnow/CDNOW_sample.txt')
const COLUMNS = ['master_id', 'id', 'date', 'cds', 'spent']
let pulse: RunningPulse

beforeAll(async () => {
  pulse = await startTestPulse('ltv-refresh')
})
afterAll(async () => {
  await pulse?.stop()
})

async function refresh(body: unknown, key = ADMIN_KEY): Promise<{ status: number; body: any }> {
  const res = await fetch(pulse.url + '/api/ltv/refresh', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json() }
}

describe('customer-value models refreshed from ClickHouse', () => {
  it('answers 409 before any purchase and 401 without an admin key', async () => {
    expect((await refresh({})).status).toBe(409)
    expect((await refresh({}, 'nope')).status).toBe(401)
    expect((await refresh({ as_of: 'yesterday' })).status).toBe(400)
    expect((await refresh({ as_of: 1 })).status).toBe(400)
    // A fit's scores and tags become the current ones: a future as_of would lapse everyone.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    const future = await refresh({ as_of: tomorrow })
    expect([future.status, (future.body as { error: { message: string } }).error.message]).toEqual([400, expect.stringContaining('is after now')])
  })

  it('fits the imported CDNOW transactions as the file fit does, and scores every customer', async () => {
    await runImport(
      { file: CDNOW, delimiter: 'whitespace', columns: COLUMNS, mapping: { event: 'Order Completed', userCol: 'id', timeCol: 'date', timeFormat: 'auto', revenueCol: 'spent' }, url: pulse.url, batch: 500, concurrency: 4, rate: 0 },
      testConfig('ltv-refresh-cli'),
      true,
    )
    await waitFor(() => sql<{ n: number }>(pulse.url, "SELECT count() AS n FROM events WHERE event = 'Order Completed'"), (r) => Number(r[0].n) === 6919)
    const { status, body } = await refresh({ as_of: '1997-09-30' })
    expect(status).toBe(200)
    const fromFile = await runLtvFit({
      transactions: CDNOW, delimiter: 'whitespace', columns: COLUMNS, customerCol: 'id', dateCol: 'date', amountCol: 'spent', calibrationEnd: '1997-09-30',
      period: 'day', unitDays: 7, json: true, months: 12, discount: 0.01,
    })
    const fit = body.fit
    expect(fit.customers).toBe(2357)
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(fit.bgnbd[k]).toBeCloseTo(fromFile.bgnbd[k], 6)
    expect(fit.bgnbd.ll).toBeCloseTo(fromFile.bgnbd.ll, 4)
    expect(fit.gammagamma.p).toBeCloseTo(fromFile.gammagamma!.p, 6)
    expect([fit.bgnbd.r, fit.bgnbd.alpha, fit.bgnbd.a, fit.bgnbd.b].map((v: number) => v.toFixed(3))).toEqual(['0.243', '4.414', '0.793', '2.426'])

    const [scores] = await sql<{ n: number; bad: number; version: string }>(
      pulse.url,
      'SELECT count() AS n, countIf(NOT (isFinite(expected_purchases) AND p_alive >= 0 AND p_alive <= 1 AND isFinite(ifNull(clv, 0)))) AS bad, any(model_version) AS version FROM customer_scores',
    )
    expect(Number(scores.n)).toBe(2357)
    expect(Number(scores.bad)).toBe(0)
    expect(scores.version).toBe(fit.model_version)
    const tiers = await sql<{ tier: string; n: number; bad_scores: number }>(
      pulse.url,
      'SELECT tier, count() AS n, countIf(r_score NOT BETWEEN 1 AND 5 OR f_score NOT BETWEEN 1 AND 5 OR m_score NOT BETWEEN 1 AND 5) AS bad_scores FROM customer_scores FINAL GROUP BY tier',
    )
    expect(tiers.reduce((s, t) => s + Number(t.n), 0)).toBe(2357)
    for (const t of tiers) {
      expect(['high_value', 'potential', 'low_value_active', 'churn_risk', 'steady']).toContain(t.tier)
      expect(Number(t.bad_scores)).toBe(0)
    }
    // CDNOW has no logins: whoever bought nothing in the last 30 days of the calibration period is at risk.
    expect(Number(tiers.find((t) => t.tier === 'churn_risk')?.n)).toBeGreaterThan(1500)
    const [stored] = await sql<{ r: number }>(pulse.url, 'SELECT r FROM model_fits ORDER BY fitted_at DESC LIMIT 1')
    expect(stored.r).toBeCloseTo(fit.bgnbd.r, 10)

    // The amount read from a property instead of the revenue column: the CSV's `spent`, the same numbers.
    const byProperty = await refreshLtv(pulse.clickhouse, { ...pulse.config, ltvAmountProperty: 'spent' }, Date.UTC(1997, 8, 30, 23, 59, 59, 999), Date.now())
    expect(byProperty!.gammagamma!.p).toBeCloseTo(fit.gammagamma.p, 8)
    const none = await refreshLtv(pulse.clickhouse, { ...pulse.config, ltvPurchaseEvents: ['No Such Event'] }, Date.now(), Date.now())
    expect(none).toBeNull()
  })
})
