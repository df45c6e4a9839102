// A store of tag states that fails after the history was written and the changes published
// (--fault-fail-tag-state-stores): the batch is profiled again, so the states end up stored, the
// change reaches subscribers (at least once), and later events of the person add no second change.
// Guards the processor's memory of stored states: it must never hold a state the engine does not.
import { connect } from '@nats-io/transport-node'
import type { NatsConnection } from '@nats-io/nats-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { FixedClock } from '../pipelines/clock.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { READ_KEY, WRITE_KEY, basicAuth, postJson, sql, startTestPulse, testConfig, untilProcessed, waitFor } from './helpers/test-pulse.ts'

const T0 = Date.UTC(2026, 3, 1, 12)
const clock = new FixedClock(T0)
let pulse: RunningPulse
let nc: NatsConnection
const published: Array<{ tag: string; change: string; person: string }> = []

beforeAll(async () => {
  const faults = { ...testConfig('tag-state-faults-defaults').faults, failTagStateStores: 1 }
  pulse = await startTestPulse('tag-state-faults', { faults, tagSweepSeconds: 0 }, { clock })
  nc = await connect({ servers: pulse.natsUrl })
  const sub = nc.subscribe('pulse.tags.>')
  void (async () => {
    for await (const m of sub) {
      const body = m.json() as { person_id: string; tag: string; change: string }
      published.push({ tag: body.tag, change: body.change, person: body.person_id })
    }
  })()
})

afterAll(async () => {
  await nc?.close()
  await pulse?.stop()
})

let seq = 0
async function send(event: Record<string, unknown>): Promise<void> {
  const res = await postJson(pulse.url + '/v1/batch', { batch: [{ messageId: `tsf-${seq++}`, timestamp: new Date(T0 - 60_000).toISOString(), ...event }] }, { authorization: basicAuth(WRITE_KEY) })
  expect(res.status).toBe(200)
}

async function tagsOf(id: string): Promise<string[]> {
  const res = await fetch(`${pulse.url}/api/customers/${id}`, { headers: { authorization: `Bearer ${READ_KEY}` } })
  return res.ok ? ((await res.json()) as { customer: { tags: Array<{ tag: string }> } }).customer.tags.map((t) => t.tag) : []
}

it('stores the states in the end, publishes the change, and adds it once', async () => {
  await send({ type: 'identify', userId: 'ts-1', traits: { region: 'north' } })
  await waitFor(() => tagsOf('ts-1'), (tags) => tags.includes('region:north'))
  const [{ person_id: person }] = await sql<{ person_id: string }>(pulse.url, "SELECT person_id FROM person_ids FINAL WHERE id = 'ts-1'")
  await waitFor(async () => published, (p) => p.some((m) => m.tag === 'region:north' && m.change === 'added' && m.person === person))
  expect(published.filter((m) => m.tag === 'region:north' && m.person === person).length).toBeGreaterThan(0)
  await send({ type: 'track', userId: 'ts-1', event: 'Product Viewed' })
  await untilProcessed(pulse)
  const states = await sql<{ active: number }>(pulse.url, "SELECT active FROM person_tags FINAL WHERE person_id = {p:String} AND tag = 'region:north'", { p: person })
  expect(states).toEqual([{ active: 1 }])
  // Written once per try of the batch (the failed one and its redelivery), never by the later event.
  const history = await sql<{ n: number }>(pulse.url, "SELECT count() AS n FROM tag_history WHERE person_id = {p:String} AND tag = 'region:north' AND change = 'added'", { p: person })
  expect(Number(history[0].n)).toBe(2)
})
