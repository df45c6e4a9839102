// `pulse demo` (the README's `npm run demo`): starts Pulse on the embedded defaults, simulates a
// service platform's customers over a year and sends their events through the tracking API (plus
// a few PostHog-style page views), waits until every one is in ClickHouse, and reports what
// arrived, the best customers and the purchase funnel. The data folder stays for `pulse serve`.
import { randomUUID } from 'node:crypto'
import { bgnbdPAlive, fitBgNbd, type BgNbdFit, type CustomerSummary } from '../models/bgnbd.ts'
import { fitGammaGamma } from '../models/gamma-gamma.ts'
import { JOURNEY_STEPS, type SimulationParams } from '../models/simulation-params.ts'
import { namedQuery } from '../sql/named-query.ts'
import type { PulseConfig } from './config.ts'
import { startPulse, type RunningPulse } from './pulse-app.ts'
import { formatTable } from './row-printing.ts'
import { printSimulateSummary, runSimulate } from './simulate-command.ts'

const CUSTOMERS = 5000
const DAYS = 365

async function countEvents(pulse: RunningPulse): Promise<number> {
  const [row] = await namedQuery<{ n: number }>(pulse.clickhouse.client, 'events_total')
  return Number(row.n)
}

async function sendPostHogPageviews(pulse: RunningPulse, key: string): Promise<number> {
  const batch = Array.from({ length: 50 }, (_, i) => ({ event: '$pageview', distinct_id: `visitor-${i}`, uuid: randomUUID(), properties: { $current_url: 'https://app.example.com/pricing' }, timestamp: new Date().toISOString() }))
  const res = await fetch(pulse.url + '/batch/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: key, batch, sent_at: new Date().toISOString() }) })
  if (!res.ok) throw new Error(`/batch/ answered ${res.status}: ${await res.text()}`)
  return batch.length
}

async function funnel(pulse: RunningPulse): Promise<Record<string, unknown>[]> {
  const rows = await namedQuery<{ step: string; journeys: number }>(pulse.clickhouse.client, 'journey_funnel', { steps: [...JOURNEY_STEPS] })
  const reached = new Map(rows.map((r) => [r.step, Number(r.journeys)]))
  const first = reached.get(JOURNEY_STEPS[0]) || 1
  let previous = first
  return JOURNEY_STEPS.map((step) => {
    const n = reached.get(step) ?? 0
    const row = { step, journeys: n, 'of start': `${((100 * n) / first).toFixed(1)}%`, 'of previous': `${((100 * n) / (previous || 1)).toFixed(1)}%` }
    previous = n
    return row
  })
}

interface Summaries {
  byUser: Map<string, CustomerSummary & { m: number }>
  bg: BgNbdFit
  table: Record<string, unknown>[]
  seconds: number
}

/** BG/NBD and Gamma-Gamma fitted on the purchase summaries in ClickHouse, next to the simulation's truth. */
async function customerValue(pulse: RunningPulse, params: SimulationParams): Promise<Summaries> {
  const rows = await namedQuery<{ user_id: string; x: number; t_x: number; T: number; m: number }>(pulse.clickhouse.client, 'purchase_summaries', {
    end_ms: params.startMs + params.days * 86_400_000,
    unit_days: 7,
    event: 'Order Completed',
  })
  const started = performance.now()
  const summaries = rows.map((r) => ({ x: Number(r.x), tx: Number(r.t_x), T: Number(r.T), m: Number(r.m) }))
  const bg = fitBgNbd(summaries)
  const gg = fitGammaGamma(summaries)
  const seconds = (performance.now() - started) / 1000
  const fmt = (v: number) => v.toFixed(3)
  const table = [
    { model: 'BG/NBD', parameter: 'r', fitted: fmt(bg.r), truth: fmt(params.bgnbd.r) },
    { model: 'BG/NBD', parameter: 'alpha (weeks)', fitted: fmt(bg.alpha), truth: fmt(params.bgnbd.alpha / 7) },
    { model: 'BG/NBD', parameter: 'a', fitted: fmt(bg.a), truth: fmt(params.bgnbd.a) },
    { model: 'BG/NBD', parameter: 'b', fitted: fmt(bg.b), truth: fmt(params.bgnbd.b) },
    { model: 'Gamma-Gamma', parameter: 'p', fitted: fmt(gg.p), truth: fmt(params.gammaGamma.p) },
    { model: 'Gamma-Gamma', parameter: 'q', fitted: fmt(gg.q), truth: fmt(params.gammaGamma.q) },
    { model: 'Gamma-Gamma', parameter: 'gamma', fitted: fmt(gg.gamma), truth: fmt(params.gammaGamma.gamma) },
  ]
  const byUser = new Map(rows.map((r, i) => [r.user_id, summaries[i]]))
  return { byUser, bg, table, seconds }
}

export async function runDemo(config: PulseConfig): Promise<void> {
  const started = Date.now()
  console.log(`Starting Pulse on embedded defaults (data folder ${config.dataDir}) ...`)
  const pulse = await startPulse({ ...config, port: 0, host: '127.0.0.1', logLevel: 'warn' })
  try {
    const key = pulse.writeKeys[0].key
    const before = await countEvents(pulse)
    // A new seed each run, so that a second demo on the same folder adds new customers.
    const seed = Date.now() % 1_000_000_000
    console.log(`Simulating ${CUSTOMERS.toLocaleString('en-US')} people over ${DAYS} days and sending their events to ${pulse.url} ...`)
    const summary = await runSimulate({ customers: CUSTOMERS, days: DAYS, seed, rate: 0, url: pulse.url, batch: 100, concurrency: 8 }, { ...config, writeKeys: [{ key, source: '' }] })
    printSimulateSummary(summary)
    const sent = summary.sent!.sent + (await sendPostHogPageviews(pulse, key))

    const waitStart = Date.now()
    let stored = 0
    while ((stored = (await countEvents(pulse)) - before) < sent && Date.now() - waitStart < 120_000) {
      process.stdout.write(`\r  stored ${stored.toLocaleString('en-US')}/${sent.toLocaleString('en-US')}`)
      await new Promise((r) => setTimeout(r, 250))
    }
    console.log(`\r  stored ${stored.toLocaleString('en-US')}/${sent.toLocaleString('en-US')} events in ClickHouse${stored === sent ? '' : ' (not all arrived within 120 s!)'}, ${((Date.now() - waitStart) / 1000).toFixed(1)} s after the last was sent`)
    console.log('\nEvents by name:\n' + formatTable(await namedQuery(pulse.clickhouse.client, 'events_by_name')))
    const value = await customerValue(pulse, summary.params)
    const best = await namedQuery<Record<string, unknown> & { user_id: string }>(pulse.clickhouse.client, 'top_customers', { limit: 5 })
    const withScores = best.map((c) => {
      const s = value.byUser.get(c.user_id)
      return { ...c, p_alive: s ? bgnbdPAlive(s, value.bg).toFixed(2) : '' }
    })
    console.log('\nBest customers (p_alive: BG/NBD probability that the customer is still active):\n' + formatTable(withScores))
    console.log('\nPurchase funnel (journeys reaching each step):\n' + formatTable(await funnel(pulse)))
    console.log(`\nCustomer-value models fitted on ${value.byUser.size.toLocaleString('en-US')} buyers' purchase summaries from ClickHouse in ${value.seconds.toFixed(2)} s, beside the simulation's truth:\n` + formatTable(value.table))
    console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Reopen the data with:\n  npx pulse serve --data-dir ${config.dataDir}\n  npx pulse sql "select event, count() as n from events group by event" --data-dir ${config.dataDir}\nThe simulation's truth (each customer's latent purchase rate, drop-out and spend): ${summary.truthFile}`)
    if (stored !== sent) process.exitCode = 1
  } finally {
    await pulse.stop()
  }
}
