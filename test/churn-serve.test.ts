// The churn model inside a running Pulse: fitted after each value fit on the events up to its
// as_of (activity and purchases of each person), its scores stored with the value scores and shown
// by the profile API, its card stored per version and served (GET /api/models/churn, `pulse churn
// card`), the band as the tag churn:<band> that moves with a refit, and no score that sees an
// event after the scoring time.
import type { Subscription } from '@nats-io/nats-core'
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHURN_BAND_CUTS } from '../models/churn/churn-bands.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { fetchChurnCard } from '../pipelines/cli/churn-card-command.ts'
import { runSimulate } from '../pipelines/cli/simulate-command.ts'
import { ADMIN_KEY, countEvents, postJson, READ_KEY, sql, startTestPulse, testConfig, untilProcessed, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

const run = promisify(execFile)
const cli = path.resolve(import.meta.dirname, '../pipelines/pulse.mjs')
const START = '2025-01-01'
const DAYS = 240
const END = Date.UTC(2025, 0, 1) + DAYS * 86_400_000
let pulse: RunningPulse
let changes: Subscription
const published: Array<{ person_id: string; tag: string; change: string }> = []

beforeAll(async () => {
  pulse = await startTestPulse('churn-serve', { now: END, ltvRefreshMinutes: 0, tagSweepSeconds: 0 })
  changes = pulse.nc.subscribe('pulse.tags.>')
  void (async () => {
    for await (const m of changes) published.push(m.json())
  })()
  const summary = await runSimulate({ customers: 400, days: DAYS, start: START, seed: 21, rate: 0, url: pulse.url, batch: 200, concurrency: 4 }, testConfig('churn-serve-cli', { writeKeys: [{ key: WRITE_KEY, source: 'test' }] }), true)
  await waitFor(() => countEvents(pulse.url), (c) => c.rows >= summary.events, 120_000)
  await untilProcessed(pulse, 120_000)
}, 240_000)
afterAll(async () => {
  changes?.unsubscribe()
  await pulse?.stop()
})

async function refit(asOf: string): Promise<any> {
  const res = await postJson(pulse.url + '/api/ltv/refresh', { as_of: asOf }, { authorization: `Bearer ${ADMIN_KEY}` })
  const body = await res.json()
  expect(res.status, JSON.stringify(body)).toBe(200)
  return body.fit
}

async function getJson(route: string): Promise<{ status: number; body: any }> {
  const res = await fetch(pulse.url + route, { headers: { authorization: `Bearer ${READ_KEY}` } })
  return { status: res.status, body: await res.json() }
}

type ScoreRow = { customer: string; churn_probability: number | null; churn_percentile: number | null; churn_band: string | null }
const currentScores = () => sql<ScoreRow>(pulse.url, 'SELECT customer, churn_probability, churn_percentile, churn_band FROM current_customer_scores ORDER BY customer')

async function tagsOf(person: string): Promise<string[]> {
  const { body } = await getJson(`/api/customers/${encodeURIComponent(person)}`)
  return body.customer.tags.map((t: { tag: string }) => t.tag)
}

describe('churn scores in a running Pulse', () => {
  it('answers 404 with what to do before the first churn fit', async () => {
    const { status, body } = await getJson('/api/models/churn')
    expect(status).toBe(404)
    expect(body.error.code).toBe('no_churn_model')
    await expect(fetchChurnCard({ url: pulse.url }, pulse.config)).rejects.toThrow(/no churn model has been fitted yet/)
  })

  it('scores every customer of the value fit, stores the card under its version and shows the scores in the profile', async () => {
    const fit = await refit('2025-07-31')
    expect(fit.churn).toMatchObject({ version: fit.model_version, label: 'activity', horizon_days: 30, problem: null, scored: fit.customers })
    const scores = await currentScores()
    expect(scores.length).toBe(fit.customers)
    for (const s of scores) {
      expect(s.churn_probability).toBeGreaterThanOrEqual(0)
      expect(s.churn_probability).toBeLessThanOrEqual(1)
      expect(s.churn_percentile).toBeGreaterThan(0)
      expect(s.churn_percentile).toBeLessThanOrEqual(100)
      const p = s.churn_probability!
      expect(s.churn_band).toBe(p >= CHURN_BAND_CUTS.high ? 'high' : p >= CHURN_BAND_CUTS.medium ? 'medium' : 'low')
    }
    // The most likely churner ranks at the top.
    const top = scores.reduce((a, b) => (b.churn_probability! > a.churn_probability! ? b : a))
    expect(top.churn_percentile).toBe(100)

    const { status, body } = await getJson('/api/models/churn')
    expect(status).toBe(200)
    const m = body.churn_model
    expect(m.version).toBe(fit.model_version)
    expect(m.as_of).toBe('2025-07-31T23:59:59.999Z')
    expect(m.card.label).toBe('activity')
    expect(m.card.calibrationEnd).toBe('2025-07-31')
    expect(m.card.training.rows).toBe(m.card.training.cutoffs.reduce((s: number, c: { rows: number }) => s + c.rows, 0))
    expect(m.card.coefficients.map((c: { feature: string }) => c.feature)).toContain('log_engaged_recency_days')
    expect(m.card.backtest.model.lift).toHaveLength(10)
    expect(m.card.backtest.model.calibration).toHaveLength(10)
    expect(m.quality).toMatchObject({ basis: 'backtest', auc: m.card.backtest.model.auc, brier: m.card.backtest.model.brier })
    expect(m.card.scoring.customers).toBe(fit.customers)
    expect(await fetchChurnCard({ url: pulse.url }, pulse.config)).toEqual(body)
    const printed = await run(process.execPath, [cli, 'churn', 'card', '--url', pulse.url, '--read-key', READ_KEY])
    expect(printed.stdout).toContain(`churn model ${fit.model_version}`)
    expect(printed.stdout).toContain('churn = no activity event and no purchase in the 30 days after 2025-07-31')
    expect(printed.stdout).toMatch(/backtest at \d{4}-\d{2}-\d{2}/)
    const json = await run(process.execPath, [cli, 'churn', 'card', '--json', '--url', pulse.url, '--read-key', READ_KEY])
    expect(JSON.parse(json.stdout)).toEqual(body)

    const { body: profile } = await getJson(`/api/customers/${top.customer}`)
    expect(profile.customer.scores).toMatchObject({ model_version: fit.model_version, churn_probability: top.churn_probability, churn_percentile: 100, churn_band: top.churn_band })
    // The band becomes a tag once the refit's re-tagging has run.
    const tags = await waitFor(() => tagsOf(top.customer), (t) => t.includes(`churn:${top.churn_band}`))
    expect(tags.filter((t) => t.startsWith('churn:'))).toEqual([`churn:${top.churn_band}`])
  })

  it('moves churn:<band> when a refit changes the band, with its history and a message on NATS', async () => {
    const before = new Map((await currentScores()).map((s) => [s.customer, s.churn_band]))
    const first = (await getJson('/api/models/churn')).body.churn_model.version
    const fit = await refit('2025-08-28')
    const after = await currentScores()
    const moved = after.filter((s) => before.has(s.customer) && before.get(s.customer) !== s.churn_band)
    expect(moved.length).toBeGreaterThan(0)
    const { customer, churn_band: band } = moved[0]
    const old = before.get(customer)
    const tags = await waitFor(() => tagsOf(customer), (t) => t.includes(`churn:${band}`))
    expect(tags.filter((t) => t.startsWith('churn:'))).toEqual([`churn:${band}`])
    // Both changes come from the recompute after this refit, the latest recorded (the clock is fixed, so `at` is the same for all).
    const history = await sql<{ tag: string; change: string }>(pulse.url, "SELECT tag, change FROM tag_history WHERE person_id = {p:String} AND tag LIKE 'churn:%' ORDER BY recorded_at DESC LIMIT 2", { p: customer })
    expect(history).toEqual(expect.arrayContaining([{ tag: `churn:${old}`, change: 'removed' }, { tag: `churn:${band}`, change: 'added' }]))
    await waitFor(async () => published.filter((c) => c.person_id === customer && c.tag === `churn:${band}` && c.change === 'added').length, (n) => n === 1)
    expect(published).toContainEqual(expect.objectContaining({ person_id: customer, tag: `churn:${old}`, change: 'removed' }))
    // Each version keeps its card: the older one is still served by version.
    expect((await getJson('/api/models/churn')).body.churn_model.version).toBe(fit.model_version)
    const older = await getJson(`/api/models/churn?version=${encodeURIComponent(first)}`)
    expect(older.body.churn_model).toMatchObject({ version: first, as_of: '2025-07-31T23:59:59.999Z' })
    const unknown = await getJson('/api/models/churn?version=nope')
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('unknown_churn_model')
    const olderByCli = await run(process.execPath, [cli, 'churn', 'card', '--json', '--version', first, '--url', pulse.url, '--read-key', READ_KEY])
    expect(JSON.parse(olderByCli.stdout)).toEqual(older.body)
  })

  it('changes no score when events after the scoring time arrive', async () => {
    await refit('2025-07-31')
    const scoresBefore = await currentScores()
    const cardBefore = (await getJson('/api/models/churn')).body.churn_model.card
    // Every scored person orders and logs in after the scoring day (the churners included).
    const batch = scoresBefore.flatMap((s, i) => [
      { type: 'track', event: 'Order Completed', userId: s.customer, messageId: `late-order-${i}`, timestamp: '2025-08-10T10:00:00Z', properties: { revenue: 50 } },
      { type: 'track', event: 'Logged In', userId: s.customer, messageId: `late-login-${i}`, timestamp: '2025-08-11T10:00:00Z' },
    ])
    const { rows } = await countEvents(pulse.url)
    for (let i = 0; i < batch.length; i += 500) {
      const res = await postJson(pulse.url + '/v1/batch', { batch: batch.slice(i, i + 500) }, { authorization: `Basic ${Buffer.from(WRITE_KEY + ':').toString('base64')}` })
      expect(res.status).toBe(200)
    }
    await waitFor(() => countEvents(pulse.url), (c) => c.rows >= rows + batch.length, 60_000)
    await refit('2025-07-31')
    expect(await currentScores()).toEqual(scoresBefore)
    const cardAfter = (await getJson('/api/models/churn')).body.churn_model.card
    expect(cardAfter).toEqual(cardBefore)
  })
})
