// `pulse demo` (the README's `npm run demo`): starts Pulse on the embedded defaults, sends a
// small shop's events through the Segment and PostHog endpoints, waits until every one is
// counted in ClickHouse, prints what arrived, and leaves the data folder for `pulse serve`.
import { randomUUID } from 'node:crypto'
import type { PulseConfig } from './config.ts'
import { namedQuery } from '../sql/named-query.ts'
import { formatTable } from './row-printing.ts'
import { startPulse, type RunningPulse } from './pulse-app.ts'

const CUSTOMERS = 500
const PER_BATCH = 100

function demoEvents(customer: number, day0: number): Record<string, unknown>[] {
  const anon = `anon-${customer}-${randomUUID().slice(0, 8)}`
  const user = `customer-${customer}`
  const at = (minutes: number) => new Date(day0 + customer * 60_000 + minutes * 60_000).toISOString()
  const events: Record<string, unknown>[] = [
    { type: 'page', anonymousId: anon, name: 'Home', properties: { url: 'https://shop.example/' }, timestamp: at(0) },
    { type: 'identify', anonymousId: anon, userId: user, traits: { plan: customer % 3 ? 'free' : 'pro' }, timestamp: at(1) },
    { type: 'track', userId: user, event: 'Product Viewed', properties: { product_id: `sku-${customer % 17}`, price: 20 + (customer % 50) }, timestamp: at(2) },
  ]
  if (customer % 2 === 0) events.push({ type: 'track', userId: user, event: 'Checkout Started', properties: {}, timestamp: at(3) })
  if (customer % 3 === 0) {
    events.push({ type: 'track', userId: user, event: 'Order Completed', properties: { revenue: 20 + (customer % 50), currency: 'EUR' }, timestamp: at(4) })
  }
  return events.map((e) => ({ ...e, messageId: randomUUID() }))
}

async function post(url: string, path: string, key: string, body: unknown): Promise<void> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(key + ':').toString('base64') },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`)
}

async function countEvents(pulse: RunningPulse): Promise<number> {
  const [row] = await namedQuery<{ n: number }>(pulse.clickhouse.client, 'events_total')
  return Number(row.n)
}

export async function runDemo(config: PulseConfig): Promise<void> {
  const started = Date.now()
  console.log(`Starting Pulse on embedded defaults (data folder ${config.dataDir}) ...`)
  const pulse = await startPulse({ ...config, port: 0, host: '127.0.0.1', logLevel: 'warn' })
  try {
    const key = pulse.writeKeys[0].key
    const before = await countEvents(pulse)
    const day0 = Date.now() - 2 * 3600_000
    const all = Array.from({ length: CUSTOMERS }, (_, c) => demoEvents(c, day0)).flat()
    const sendStart = Date.now()
    for (let i = 0; i < all.length; i += PER_BATCH) {
      await post(pulse.url, '/v1/batch', key, { batch: all.slice(i, i + PER_BATCH), sentAt: new Date().toISOString() })
      process.stdout.write(`\r  sent ${Math.min(i + PER_BATCH, all.length)}/${all.length} Segment events`)
    }
    const phEvents = Array.from({ length: 50 }, (_, i) => ({ event: '$pageview', distinct_id: `customer-${i}`, uuid: randomUUID(), properties: { $current_url: 'https://shop.example/pricing' }, timestamp: new Date().toISOString() }))
    await post(pulse.url, '/batch/', key, { api_key: key, batch: phEvents, sent_at: new Date().toISOString() })
    const sent = all.length + phEvents.length
    const sendSecs = (Date.now() - sendStart) / 1000
    console.log(`\r  sent ${sent} events (${all.length} Segment, ${phEvents.length} PostHog) in ${sendSecs.toFixed(2)} s, ${Math.round(sent / sendSecs)} events/s`)

    const deadline = Date.now() + 60_000
    let stored = 0
    while ((stored = (await countEvents(pulse)) - before) < sent && Date.now() < deadline) {
      process.stdout.write(`\r  stored ${stored}/${sent}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    console.log(`\r  stored ${stored}/${sent} events in ClickHouse${stored === sent ? '' : ' (not all arrived within 60 s!)'}`)
    const byEvent = await namedQuery(pulse.clickhouse.client, 'events_by_name')
    console.log('\nEvents in ClickHouse by name:\n' + formatTable(byEvent))
    console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Reopen the data with:\n  npx pulse serve --data-dir ${config.dataDir}\n  npx pulse sql "select event, count() as n from events group by event" --data-dir ${config.dataDir}`)
    if (stored !== sent) process.exitCode = 1
  } finally {
    await pulse.stop()
  }
}
