// Compacting the analysis table after an import of per-customer histories: POST /api/events/compact
// (admin key) and `pulse compact` merge events_by_day into one part, every event kept once, and
// the analyses answer as before.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { metricValue } from './helpers/event-batches.ts'
import { ADMIN_KEY, READ_KEY, WRITE_KEY, basicAuth, countEvents, startTestPulse, waitFor } from './helpers/test-pulse.ts'

const DAY = 86_400_000
const START = Date.UTC(2026, 2, 1)
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')

let pulse: RunningPulse
beforeAll(async () => {
  pulse = await startTestPulse('analysis-compaction')
})
afterAll(async () => {
  await pulse?.stop()
})

/** Customers `from`..`to`-1, each with a journey every 9 days over 90 days (one customer after another, as an import sends them). */
function histories(from: number, to: number): unknown[] {
  const events: unknown[] = []
  for (let c = from; c < to; c++) {
    for (let d = c % 9; d < 90; d += 9) {
      const at = START + d * DAY + c * 60_000
      const steps = ['Product Viewed', 'Checkout Started', 'Order Completed'].slice(0, 1 + ((c + d) % 3))
      steps.forEach((event, i) => events.push({ type: 'track', event, userId: `cmp-${c}`, messageId: `cmp-${c}-${d}-${i}`, timestamp: new Date(at + i * 600_000).toISOString() }))
    }
  }
  return events
}

async function post(route: string, key: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(pulse.url + route, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json() }
}

const funnel = { steps: [{ event: 'Product Viewed' }, { event: 'Checkout Started' }, { event: 'Order Completed' }], window: '1d', from: '2026-03-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }
const retention = { cohort_event: { event: 'Product Viewed' }, return_event: { event: 'Order Completed' }, period: 'week', periods: 8, from: '2026-03-01T00:00:00Z', to: '2026-05-01T00:00:00Z' }

describe('compacting the analysis table', () => {
  it('merges it into one part through the API and the CLI, every event kept once, the analyses unchanged', async () => {
    // Six imports of five customers' whole histories each, one stored before the next is sent.
    let sent = 0
    for (let b = 0; b < 6; b++) {
      const batch = histories(b * 5, b * 5 + 5)
      sent += batch.length
      const res = await fetch(pulse.url + '/v1/import', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) }, body: JSON.stringify({ batch }) })
      expect(res.status).toBe(200)
      await waitFor(() => countEvents(pulse.url), (c) => c.rows >= sent, 30_000)
    }
    // The first import's events again, in another request (reversed, so that the stream does not
    // drop it as the same request): the compaction keeps one copy of each.
    const copies = histories(0, 5).reverse()
    await fetch(pulse.url + '/v1/import', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(WRITE_KEY) }, body: JSON.stringify({ batch: copies }) })
    await waitFor(() => metricValue(pulse.url, 'pulse_processor_stored_events_total'), (n) => n >= sent + copies.length, 30_000)
    const funnelBefore = await post('/api/funnels', READ_KEY, funnel)
    const retentionBefore = await post('/api/retention', READ_KEY, retention)
    expect(funnelBefore.status).toBe(200)

    expect((await post('/api/events/compact', READ_KEY, {})).status).toBe(403)
    const compacted = await post('/api/events/compact', ADMIN_KEY, {})
    expect(compacted.status, JSON.stringify(compacted.body)).toBe(200)
    const { before, after } = compacted.body.compact
    expect(after).toEqual({ parts: 1, rows: sent, parts_per_day: 1 })
    expect(before.rows).toBeGreaterThanOrEqual(sent)

    expect(await post('/api/funnels', READ_KEY, funnel)).toEqual(funnelBefore)
    expect(await post('/api/retention', READ_KEY, retention)).toEqual(retentionBefore)

    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'compact', '--url', pulse.url, '--admin-key', ADMIN_KEY, '--json'])
    expect(JSON.parse(stdout)).toMatchObject({ before: { parts: 1, rows: sent }, after: { parts: 1, rows: sent, partsPerDay: 1 } })
  }, 120_000)
})
