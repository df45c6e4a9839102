// `pulse demo` (the README's `npm run demo`): starts Pulse on the embedded defaults, simulates a
// service platform's customers over a year and sends their events through the tracking API (plus
// a few PostHog-style page views), waits until every one is in ClickHouse, and reports what
// arrived, the best customers and the purchase funnel, and writes the dashboards into the data
// folder. The data folder stays for `pulse serve`.
import { randomUUID } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { demoFunnel } from './demo-funnel.ts'
import { showProfiles } from './demo-profiles.ts'
import type { SimulationParams } from '../../models/simulation/simulation-params.ts'
import { namedQuery } from '../../sql/named-query.ts'
import { DEFAULT_DASHBOARDS_CONFIG } from '../../models/dashboards/dashboards-config.ts'
import { embeddedSource } from '../dashboards/embedded-source.ts'
import { writeDashboards } from '../dashboards/write-dashboards.ts'
import path from 'node:path'
import type { PulseConfig } from '../config.ts'
import { refreshLtv, type LtvRefreshResult } from '../jobs/ltv-refresh.ts'
import { startPulse, type RunningPulse } from '../pulse-app.ts'
import { formatTable } from './row-printing.ts'
import { printSimulateSummary, runSimulate } from './simulate-command.ts'

const CUSTOMERS = 5000
const DAYS = 365

async function countEvents(pulse: RunningPulse): Promise<number> {
  const [row] = await namedQuery<{ n: number }>(pulse.clickhouse.client, 'events_total')
  return Number(row.n)
}

/** Until every stored batch went through the profile stage and was acked. */
async function untilProcessed(pulse: RunningPulse): Promise<void> {
  const jsm = await jetstreamManager(pulse.nc)
  for (;;) {
    const info = await jsm.consumers.info(pulse.config.stream, pulse.config.consumer)
    if (info.num_pending === 0 && info.num_ack_pending === 0) return
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function sendPostHogPageviews(pulse: RunningPulse, key: string): Promise<number> {
  const batch = Array.from({ length: 50 }, (_, i) => ({ event: '$pageview', distinct_id: `visitor-${i}`, uuid: randomUUID(), properties: { $current_url: 'https://app.example.com/pricing' }, timestamp: new Date().toISOString() }))
  const res = await fetch(pulse.url + '/batch/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: key, batch, sent_at: new Date().toISOString() }) })
  if (!res.ok) throw new Error(`/batch/ answered ${res.status}: ${await res.text()}`)
  return batch.length
}

/** The value models refitted from ClickHouse (scores stored), their parameters beside the simulation's truth. */
async function customerValue(pulse: RunningPulse, config: PulseConfig, params: SimulationParams): Promise<{ fit: LtvRefreshResult; table: Record<string, unknown>[] }> {
  const fit = await refreshLtv(pulse.clickhouse, config, params.startMs + params.days * 86_400_000, Date.now())
  if (!fit) throw new Error('the simulation produced no purchases')
  const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3))
  const bg = fit.bgnbd
  const gg = fit.gammagamma
  const table = [
    { model: 'BG/NBD', parameter: 'r', fitted: f(bg.r), se: f(bg.se.r), truth: f(params.bgnbd.r) },
    { model: 'BG/NBD', parameter: 'alpha (weeks)', fitted: f(bg.alpha), se: f(bg.se.alpha), truth: f(params.bgnbd.alpha / 7) },
    { model: 'BG/NBD', parameter: 'a', fitted: f(bg.a), se: f(bg.se.a), truth: f(params.bgnbd.a) },
    { model: 'BG/NBD', parameter: 'b', fitted: f(bg.b), se: f(bg.se.b), truth: f(params.bgnbd.b) },
    ...(gg
      ? [
          { model: 'Gamma-Gamma', parameter: 'p', fitted: f(gg.p), se: '', truth: f(params.gammaGamma.p) },
          { model: 'Gamma-Gamma', parameter: 'q', fitted: f(gg.q), se: '', truth: f(params.gammaGamma.q) },
          { model: 'Gamma-Gamma', parameter: 'gamma', fitted: f(gg.v), se: '', truth: f(params.gammaGamma.gamma) },
        ]
      : []),
  ]
  return { fit, table }
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
    const value = await customerValue(pulse, config, summary.params)
    await untilProcessed(pulse)
    // The refit moved the high_value line: every person is re-tagged against it.
    await pulse.profiles?.afterRefit()
    const best = await namedQuery(pulse.clickhouse.client, 'top_customers', { limit: 5, purchases: config.ltvPurchaseEvents, activity: config.ltvActivityEvents })
    console.log('\nBest customers, with their scores (p_alive: probability of still being a customer; clv: discounted value of the next 12 months):\n' + formatTable(best))
    const funnel = await demoFunnel(pulse, config.now ?? Date.now())
    console.log('\nPurchase funnel (persons from a visit to an order, every step within 30 days of the visit; POST /api/funnels, `npx pulse funnel`):\n' + formatTable(funnel.rows) + `\n${funnel.biggestDrop}`)
    await showProfiles(pulse, summary.truthFile, summary.params)
    console.log(`\nCustomer-value models refitted on ${value.fit.customers.toLocaleString('en-US')} buyers' purchases in ClickHouse in ${value.fit.seconds.toFixed(2)} s (scores in customer_scores), beside the simulation's truth:\n` + formatTable(value.table))
    // The pages cover the simulated year up to now, read through the running Pulse's own read path.
    const now = config.now ?? Date.now()
    const dashboards = await writeDashboards({
      source: embeddedSource(pulse.clickhouse, config.profilesSettings.tags, now),
      out: path.join(config.dataDir, 'dashboards'),
      from: summary.params.startMs,
      to: now,
      now,
      config: DEFAULT_DASHBOARDS_CONFIG,
      purchaseEvents: config.ltvPurchaseEvents,
    })
    console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Reopen the data with:\n  npx pulse serve --data-dir ${config.dataDir}\n  npx pulse sql "select event, count() as n from events group by event" --data-dir ${config.dataDir}\nThe simulation's truth (each customer's latent purchase rate, drop-out and spend): ${summary.truthFile}`)
    console.log(`\nDashboards (${dashboards.pages.map((p) => p.file).join(', ')}, and the CSV behind each chart) written in ${dashboards.seconds.toFixed(1)} s; open ${dashboards.index}`)
    if (stored !== sent) process.exitCode = 1
  } finally {
    await pulse.stop()
  }
}
