// The Retention and Churn pages on a small hand-made history with the config's own definitions: the
// retention table and lifecycle bars are POST /api/retention's and /api/lifecycle's answers for the
// config's bodies (daily orders, not the default sign-up weeks), and with no churn model fitted yet
// the Churn page is written with a note saying so on each chart instead of failing.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LifecycleAnswer } from '../models/analytics/lifecycle-answer.ts'
import type { RetentionAnswer } from '../models/analytics/retention-answer.ts'
import { runDashboards } from '../pipelines/cli/dashboards-command.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import type { WrittenDashboards } from '../pipelines/dashboards/write-dashboards.ts'
import { basicAuth, postJson, READ_KEY, startTestPulse, tempDir, untilProcessed, WRITE_KEY } from './helpers/test-pulse.ts'

const DAY = 86_400_000
const START = Date.parse('2026-03-02T00:00:00Z')
const NOW = START + 5 * DAY + 12 * 3_600_000
const RANGE = { from: '2026-03-02', to: '2026-03-07' }
const retention = { cohort_event: { event: 'Order Completed' }, period: 'day', periods: 4 }
const lifecycle = { event: 'Order Completed', period: 'day' }
// Who ordered on which day of the range: u1 on days 0, 1 and 3, u2 on 0 and 2, u3 on 1, u4 on 4 and 5.
const ORDERS: Array<[string, number]> = [['u1', 0], ['u1', 1], ['u1', 3], ['u2', 0], ['u2', 2], ['u3', 1], ['u4', 4], ['u4', 5]]

let pulse: RunningPulse
let written: WrittenDashboards
const out = tempDir('dashboards-own-out')

beforeAll(async () => {
  pulse = await startTestPulse('dashboards-own', { now: NOW })
  const batch = ORDERS.map(([userId, day], i) => ({ type: 'track', event: 'Order Completed', userId, messageId: `own-${i}`, timestamp: new Date(START + day * DAY + 10 * 3_600_000).toISOString(), properties: { revenue: 10 } }))
  const res = await postJson(pulse.url + '/v1/batch', { batch }, { authorization: basicAuth(WRITE_KEY) })
  expect(res.status).toBe(200)
  await untilProcessed(pulse)
  const config = path.join(tempDir('dashboards-own-config'), 'dashboards.json')
  writeFileSync(config, JSON.stringify({ pages: ['retention', 'churn'], retention, lifecycle }))
  written = await runDashboards({ url: pulse.url, out, config, ...RANGE }, pulse.config)
}, 120_000)

afterAll(async () => {
  await pulse?.stop()
})

const csv = (file: string) => parse(readFileSync(path.join(out, file), 'utf8'), { columns: true }) as Array<Record<string, string>>
const page = (file: string) => readFileSync(path.join(out, file), 'utf8')

async function ask<T>(route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(pulse.url + route, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as T }
}

describe('the Retention and Churn pages with the config\'s definitions', () => {
  it('writes only the pages the config lists', () => {
    expect(written.pages.map((p) => p.file)).toEqual(['retention.html', 'churn.html'])
  })

  it('the retention table and lifecycle bars are the API\'s answers for the config\'s bodies', async () => {
    const table = await ask<RetentionAnswer>('/api/retention', { ...retention, from: `${RANGE.from}T00:00:00Z`, to: `${RANGE.to}T00:00:00Z` })
    expect(table.status).toBe(200)
    expect(table.body.cohorts.map((c) => c.size)).toEqual([2, 1, 0, 0, 1])
    expect(csv('data/retention-cohort-triangle.csv')).toEqual(table.body.cohorts.flatMap((c) => c.cells.map((x) => ({ cohort_start: c.period_start, size: String(c.size), offset: String(x.offset), persons: String(x.persons), rate: String(x.rate), incomplete: String(x.incomplete) }))))
    expect(page('retention.html')).toContain('day of 2026-03-02, day 1: 1 of 2 persons (50%)')
    const bars = await ask<LifecycleAnswer>('/api/lifecycle', { ...lifecycle, from: `${RANGE.from}T00:00:00Z`, to: `${RANGE.to}T00:00:00Z` })
    expect(bars.status).toBe(200)
    expect(csv('data/retention-lifecycle.csv')).toEqual(bars.body.periods.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]))))
  })

  it('without a churn model the Churn page is written and each chart says there is none', async () => {
    const card = await ask<{ error: { code: string } }>('/api/models/churn')
    expect(card).toMatchObject({ status: 404, body: { error: { code: 'no_churn_model' } } })
    const html = page('churn.html')
    for (const id of ['score-distribution', 'gains', 'lift', 'calibration', 'risk-by-tier']) {
      const section = html.slice(html.indexOf(`<section id="${id}"`))
      expect(section.slice(0, section.indexOf('</section>')), id).toContain('No churn model yet')
      expect(csv(`data/churn-${id}.csv`), id).toEqual([])
    }
  })
})
