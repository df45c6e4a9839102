// Refits on the CDNOW purchases (imported as "Purchase", the configured purchase event) at
// several as_of dates: each request gets the fit of its own date, only the latest converged
// fit's scores are current, a fit that does not converge is refused and kept out, a singular
// Hessian gives null standard errors, and the top-customers query counts the configured event.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runImport } from '../pipelines/cli/import-command.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { namedQuery } from '../sql/named-query.ts'
import { ADMIN_KEY, sql, startTestPulse, testConfig, waitFor } from './helpers/test-pulse.ts'

const CDNOW = path.resolve(import.meta.dirname, 'fixtures/cdnow/CDNOW_sample.txt')
let pulse: RunningPulse

async function refresh(asOf: string): Promise<{ status: number; body: any }> {
  const res = await fetch(pulse.url + '/api/ltv/refresh', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify({ as_of: asOf }) })
  return { status: res.status, body: await res.json() }
}

async function current(): Promise<{ n: number; versions: string[] }> {
  const [row] = await sql<{ n: number; versions: string[] }>(pulse.url, 'SELECT count() AS n, groupUniqArray(model_version) AS versions FROM current_customer_scores')
  return { n: Number(row.n), versions: row.versions }
}

beforeAll(async () => {
  pulse = await startTestPulse('ltv-refits', { ltvPurchaseEvents: ['Purchase'], ltvRefreshMinutes: 0 })
  await runImport(
    {
      file: CDNOW, delimiter: 'whitespace', columns: ['master_id', 'id', 'date', 'cds', 'spent'],
      mapping: { event: 'Purchase', userCol: 'id', timeCol: 'date', timeFormat: 'auto', revenueCol: 'spent' }, url: pulse.url, batch: 500, concurrency: 4, rate: 0,
    },
    testConfig('ltv-refits-cli'),
    true,
  )
  await waitFor(() => sql<{ n: number }>(pulse.url, "SELECT count() AS n FROM events WHERE event = 'Purchase'"), (r) => Number(r[0].n) === 6919)
})
afterAll(async () => {
  await pulse?.stop()
})

describe('customer-value refits', () => {
  it('answers requests that overlap with a fit of each one\'s own as_of', async () => {
    const [late, early] = await Promise.all([refresh('1997-09-30'), refresh('1997-01-31')])
    expect([late.status, early.status]).toEqual([200, 200])
    expect(late.body.fit.model_version).toMatch(/as-of-1997-09-30T23:59:59\.999Z$/)
    expect(early.body.fit.model_version).toMatch(/as-of-1997-01-31T23:59:59\.999Z$/)
    expect(early.body.fit.customers).toBeLessThan(late.body.fit.customers)
  })

  it('refuses with 409 when too many refits already wait, and serves the rest', async () => {
    const days = ['1997-03-31', '1997-04-30', '1997-05-31', '1997-06-30', '1997-07-31', '1997-08-31', '1997-09-30']
    const answers = await Promise.all(days.map(refresh))
    const busy = answers.filter((a) => a.status === 409)
    expect(busy.length).toBeGreaterThan(0)
    for (const a of busy) expect(a.body.error.code).toBe('refit_busy')
    for (const a of answers.filter((x) => x.status !== 409)) expect(a.status).toBe(200)
  })

  it('shows only the latest fit\'s scores: a customer it leaves out has none', async () => {
    const late = await refresh('1997-09-30')
    const early = await refresh('1997-01-31')
    expect(early.body.fit.customers).toBeLessThan(late.body.fit.customers)
    expect(await current()).toEqual({ n: early.body.fit.customers, versions: [early.body.fit.model_version] })
    // The table itself still holds the customers the early fit left out, with the late fit's scores.
    const [all] = await sql<{ n: number }>(pulse.url, 'SELECT count() AS n FROM customer_scores FINAL')
    expect(Number(all.n)).toBe(late.body.fit.customers)
  })

  it('refuses a fit that does not converge with 422 and keeps the previous scores current', async () => {
    const before = await refresh('1997-01-31')
    // Three repeat customers a week into the data: Gamma-Gamma cannot converge on them.
    const gg = await refresh('1997-01-08')
    expect(gg.status).toBe(422)
    expect(gg.body.error.code).toBe('fit_not_converged')
    expect(gg.body.fit.gammagamma.converged).toBe(false)
    // The first day: nobody bought twice, BG/NBD runs off to the boundary and its Hessian is singular.
    const bg = await refresh('1997-01-01')
    expect(bg.status).toBe(422)
    expect(bg.body.fit.bgnbd.converged).toBe(false)
    expect(await current()).toEqual({ n: before.body.fit.customers, versions: [before.body.fit.model_version] })
    const stored = await sql<{ model_version: string; converged: number }>(pulse.url, 'SELECT model_version, converged FROM model_fits WHERE model_version IN {v:Array(String)} ORDER BY fitted_at', { v: [gg.body.fit.model_version, bg.body.fit.model_version] })
    expect(stored.map((s) => Number(s.converged))).toEqual([0, 0])
  })

  it('stores and answers a fit with a singular Hessian with null standard errors', async () => {
    // Two days in: forty customers, none has bought twice, so a and b are not identified.
    const { status, body } = await refresh('1997-01-02')
    expect(status).toBe(200)
    expect(body.fit.bgnbd.se).toEqual({ r: null, alpha: null, a: null, b: null })
    const [fit] = await sql<{ se_r: number | null; converged: number }>(pulse.url, 'SELECT se_r, converged FROM model_fits WHERE model_version = {v:String}', { v: body.fit.model_version })
    expect(fit).toEqual({ se_r: null, converged: 1 })
    expect((await current()).n).toBe(body.fit.customers)
  })

  it('counts the configured purchase event in the top customers (persons), with their current scores', async () => {
    await refresh('1997-09-30')
    const top = await namedQuery<{ customer: string; orders: number; revenue: number; p_alive: number | null }>(pulse.clickhouse.client, 'top_customers', { limit: 3, purchases: pulse.config.ltvPurchaseEvents, activity: pulse.config.ltvActivityEvents })
    const expected = await sql<{ person_id: string; orders: number; revenue: number }>(
      pulse.url,
      "SELECT p.person_id AS person_id, count() AS orders, round(sum(e.revenue), 2) AS revenue FROM events AS e INNER JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = e.user_id WHERE e.event = 'Purchase' GROUP BY person_id ORDER BY revenue DESC LIMIT 3",
    )
    expect(top.map((t) => [t.customer, Number(t.orders), Number(t.revenue)])).toEqual(expected.map((e) => [e.person_id, Number(e.orders), Number(e.revenue)]))
    for (const t of top) expect(t.p_alive).not.toBeNull()
  })
})
