// A query the read session refuses (its result over --query-max-rows) must not leave anything
// behind: the next query, whoever sends it, answers from its own result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { countEvents, postJson, READ_KEY, startTestPulse, waitFor } from './helpers/test-pulse.ts'

let pulse: RunningPulse

beforeAll(async () => {
  pulse = await startTestPulse('read-session-after-refusal')
  expect(await sendBatch(pulse.url, segmentBatch('rs', 0, 30).body)).toBe(200)
  await waitFor(() => countEvents(pulse.url), (c) => c.rows >= 30)
})
afterAll(async () => {
  await pulse?.stop()
})

const ask = (body: unknown) => postJson(pulse.url + '/api/sql', body, { authorization: `Bearer ${READ_KEY}` })

describe('the read session after a refused query', () => {
  it('answers the next query with its own rows while events are being stored', async () => {
    let sending = true
    const sender = (async () => {
      for (let k = 1; sending; k++) expect(await sendBatch(pulse.url, segmentBatch(`busy${k}`, 0, 200).body)).toBe(200)
    })()
    const wrong: string[] = []
    try {
      for (let round = 0; round < 20; round++) {
        expect((await ask({ query: 'SELECT number AS secret FROM numbers(200000)' })).status).toBe(400)
        const next = await ask({ query: `SELECT ${round} AS answer` })
        const text = await next.text()
        if (text !== JSON.stringify({ rows: [{ answer: round }] })) wrong.push(`round ${round}: ${next.status} ${text.slice(0, 160)}`)
      }
    } finally {
      sending = false
      await sender
    }
    expect(wrong).toEqual([])
  })
})
