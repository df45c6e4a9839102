// `pulse simulate`: the service-platform simulator (models/simulation.ts) sending its events to a
// running Pulse over HTTP, or writing them to NDJSON; the truth behind them goes to a file.
import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import path from 'node:path'
import { MAX_TIME_MS, MIN_TIME_MS } from '../../models/events/event-time.ts'
import { dayStartTime } from '../../models/value/as-of-time.ts'
import type { CustomerTruth } from '../../models/simulation/customer-truth.ts'
import { simulate, simulationParams } from '../../models/simulation/simulation.ts'
import type { SimulationParams } from '../../models/simulation/simulation-params.ts'
import type { PulseConfig } from '../config.ts'
import { EventSender, type SendTotals } from './event-sender.ts'
import { outputFolder } from './output-folder.ts'
import { assertReachable } from './reachable-pulse.ts'
import { progressBar } from './progress-bar.ts'
import { sendTarget } from './send-target.ts'
import { userError } from './user-error.ts'

export interface SimulateOptions {
  customers: number
  days: number
  /** YYYY-MM-DD; default: `days` days before today (UTC). */
  start?: string
  seed: number
  rate: number
  out?: string
  url?: string
  truth?: string
  batch: number
  concurrency: number
}

export interface SimulateSummary {
  params: SimulationParams
  customers: number
  buyers: number
  purchases: number
  events: number
  seconds: number
  sent?: SendTotals
  eventsFile?: string
  truthFile: string
}

function startMs(start: string | undefined, days: number, now: number): number {
  const ms = start === undefined ? Math.floor(now / 86_400_000) * 86_400_000 - days * 86_400_000 : dayStartTime(start)
  if (Number.isNaN(ms)) throw userError(`--start "${start}" must be a date that exists, like 2025-01-31`)
  // Pulse stores event times within MIN_TIME_MS..MAX_TIME_MS only (models/events/event-time.ts).
  if (ms < MIN_TIME_MS || ms + days * 86_400_000 - 1 > MAX_TIME_MS) {
    throw userError(`--start ${start} with --days ${days} leaves ${new Date(MIN_TIME_MS).toISOString().slice(0, 10)}..${new Date(MAX_TIME_MS).toISOString().slice(0, 10)}, the times Pulse stores: pick a start inside it`)
  }
  return ms
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain')
}

export async function runSimulate(opts: SimulateOptions, config: PulseConfig, quiet = false): Promise<SimulateSummary> {
  for (const [name, v] of Object.entries({ customers: opts.customers, days: opts.days, batch: opts.batch, concurrency: opts.concurrency })) {
    if (!Number.isInteger(v) || v < 1) throw userError(`--${name} must be a whole number of at least 1, got ${v}`)
  }
  const params = simulationParams({ seed: opts.seed, customers: opts.customers, days: opts.days, startMs: startMs(opts.start, opts.days, Date.now()) })
  const http = opts.out ? null : sendTarget(opts.url, config, ', or write files with --out DIR')
  if (http) await assertReachable(http.url)
  const sender = http ? new EventSender({ ...http, batchSize: opts.batch, concurrency: opts.concurrency, rate: opts.rate }) : null
  if (opts.out) outputFolder(opts.out, '--out')
  const eventsFile = opts.out ? path.join(opts.out, 'events.ndjson') : undefined
  const truthFile = opts.truth ?? (opts.out ? path.join(opts.out, 'truth.ndjson') : path.join(config.dataDir, 'simulation-truth.ndjson'))
  outputFolder(path.dirname(truthFile), '--truth')
  const events = eventsFile ? createWriteStream(eventsFile) : null
  const truth = createWriteStream(truthFile)
  await write(truth, JSON.stringify({ params }) + '\n')

  const started = performance.now()
  const progress = quiet ? null : progressBar('simulate', 'people', 'events', params.customers)
  let count = 0
  let buyers = 0
  let purchases = 0
  let person = 0
  for (const { truth: t, events: list } of simulate(params)) {
    await write(truth, JSON.stringify(t satisfies CustomerTruth) + '\n')
    if (t.firstPurchaseDay !== null) buyers++
    purchases += t.purchaseDays.length
    for (const e of list) {
      if (sender) await sender.add(e)
      else await write(events!, JSON.stringify(e) + '\n')
    }
    count += list.length
    if (++person % 50 === 0) progress?.update(person, count)
  }
  const sent = sender ? await sender.flush() : undefined
  progress?.update(person, count)
  progress?.stop()
  for (const s of [events, truth]) if (s) await new Promise((r) => s.end(r))
  return { params, customers: person, buyers, purchases, events: count, seconds: (performance.now() - started) / 1000, sent, eventsFile, truthFile }
}

export function printSimulateSummary(s: SimulateSummary): void {
  const fmt = (n: number) => n.toLocaleString('en-US')
  console.log(`simulated ${fmt(s.customers)} people over ${s.params.days} days from ${new Date(s.params.startMs).toISOString().slice(0, 10)} (seed ${s.params.seed}): ${fmt(s.buyers)} buyers, ${fmt(s.purchases)} orders, ${fmt(s.events)} events in ${s.seconds.toFixed(1)} s (${fmt(Math.round(s.events / s.seconds))} events/s)`)
  if (s.sent) {
    console.log(`sent ${fmt(s.sent.sent)} events in ${fmt(s.sent.requests)} requests (${fmt(s.sent.retries)} retried), ${fmt(s.sent.rejected)} rejected`)
    for (const p of s.sent.problems) console.log(`  refused: ${p}`)
  }
  if (s.eventsFile) console.log(`events: ${s.eventsFile}`)
  console.log(`truth: ${s.truthFile}`)
}
