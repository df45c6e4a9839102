// A batch whose profile compute fails for a reason of Pulse's own (a defect in a rule, simulated
// with --fault-fail-profile-compute-matching) must not hold the processor as an engine outage would:
// it is redelivered with backoff and counted toward --max-deliver, its events stay stored, and the
// batches after it get their profiles.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { READ_KEY, WRITE_KEY, basicAuth, countEvents, postJson, startTestPulse, testConfig, untilProcessed, waitFor } from './helpers/test-pulse.ts'

let pulse: RunningPulse

beforeAll(async () => {
  const faults = { ...testConfig('profile-compute-faults-defaults').faults, failProfileComputeMatching: 'poison-' }
  pulse = await startTestPulse('profile-compute-faults', { faults, maxDeliver: 2, tagSweepSeconds: 0 })
})

afterAll(async () => {
  await pulse?.stop()
})

async function send(userId: string, messageId: string): Promise<void> {
  const body = { batch: [{ type: 'identify', userId, traits: { region: 'north' }, messageId, timestamp: new Date().toISOString() }] }
  expect((await postJson(pulse.url + '/v1/batch', body, { authorization: basicAuth(WRITE_KEY) })).status).toBe(200)
}

async function tagsOf(id: string): Promise<string[]> {
  const res = await fetch(`${pulse.url}/api/customers/${id}`, { headers: { authorization: `Bearer ${READ_KEY}` } })
  return res.ok ? ((await res.json()) as { customer: { tags: Array<{ tag: string }> } }).customer.tags.map((t) => t.tag) : []
}

it('redelivers the failing batch a bounded number of times and profiles the ones after it', async () => {
  await send('poison-1', 'pcf-1')
  await waitFor(() => countEvents(pulse.url), (c) => c.unique === 1)
  await send('fine-1', 'pcf-2')
  const tags = await waitFor(() => tagsOf('fine-1'), (t) => t.includes('region:north'), 30_000)
  expect(tags).toContain('region:north')
  await untilProcessed(pulse)
  expect((await countEvents(pulse.url)).unique).toBe(2)
  expect(await tagsOf('poison-1')).not.toContain('region:north')
})
