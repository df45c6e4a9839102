// The profile compute thread gives what the same computation gives in the caller's thread, answers
// a job that fails with an error naming the cause, and keeps serving the jobs after it.
import { afterAll, describe, expect, it } from 'vitest'
import { COMPLAINT_DEADLINES_MS } from '../models/tags/features-from-facts.ts'
import { DEFAULT_TAG_SETTINGS } from '../models/tags/tag-settings.ts'
import type { ComputeJob } from '../pipelines/stream/profile-compute.ts'
import { ProfileComputeThread, inThreadComputer } from '../pipelines/stream/profile-compute-thread.ts'

const NOW = Date.UTC(2026, 4, 1)
const DAY = 86_400_000
const deadlines = { ...COMPLAINT_DEADLINES_MS }
const thread = new ProfileComputeThread({ tags: DEFAULT_TAG_SETTINGS, deadlines })
afterAll(() => thread.close())

/** A row of sql/queries/person_facts.sql. */
function fact(id: string, h: number, ts: number, over: { login?: number; order?: number; amount?: number; coupon?: number; region?: string } = {}): unknown[] {
  return [id, String(h), ts, ts, 1, over.login ?? 0, over.order ?? 0, over.amount ?? 0, over.coupon ?? 0, '', '', '', '', '', 0, '', null, over.region ?? '', '', '']
}

const job: ComputeJob = {
  jobId: 1,
  now: NOW,
  persons: [{ personId: 'p_a', ids: ['a', 'a2'] }, { personId: 'p_b', ids: ['b'] }],
  factsText: JSON.stringify({
    data: [
      ...[1, 2, 3, 4, 5].map((d) => fact('a', d, NOW - d * 3_600_000, { login: 1 })),
      ...[10, 20, 30].map((d) => fact('a2', 100 + d, NOW - d * DAY, { order: 1, amount: 30, coupon: 1 })),
      fact('b', 7, NOW - 40 * DAY, { region: 'north' }),
    ],
  }),
  stored: [['p_b', ['region:south'], [], 5], ['p_gone', ['high_frequency'], [], 6]],
  values: [],
  thresholds: { clv: null, spend365: null },
  merged: [{ personId: 'p_gone', into: 'p_a' }],
  version: 42,
}

describe('the profile compute thread', () => {
  it('gives the same changes, rows and states as the caller thread', async () => {
    const here = await inThreadComputer(DEFAULT_TAG_SETTINGS, deadlines).compute(job)
    const there = await thread.compute(job)
    expect(there).toEqual(here)
    // Each change is keyed by the stored state it replaces (0: none stored).
    expect(Object.fromEntries(there.changes.map((c) => [c.personId, c.basis]))).toEqual({ p_a: 0, p_b: 5, p_gone: 6 })
    expect(there.changes.map((c) => `${c.personId} ${c.change} ${c.tag}`)).toEqual(
      expect.arrayContaining(['p_a added high_frequency', 'p_a added price_sensitive', 'p_b added region:north', 'p_b removed region:south', 'p_gone removed high_frequency']),
    )
  })

  it('answers a job it cannot compute with the cause, and the next job as usual', async () => {
    await expect(thread.compute({ ...job, factsText: '{"data": [' })).rejects.toThrow(/profile compute failed: .*JSON/)
    expect((await thread.compute(job)).held.map(([p]) => p)).toEqual(['p_a', 'p_b', 'p_gone'])
  })

  it('publishes a computed job once its commit asks, and refuses a job it does not hold', async () => {
    const result = await thread.compute({ ...job, jobId: 7 })
    await expect(thread.publish(result)).resolves.toBeUndefined()
    await expect(thread.publish(result)).rejects.toThrow(/publishing the tag changes failed: .*job 7 is not waiting/)
  })
})
