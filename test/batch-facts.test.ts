// A person a profile run has just created is counted from its batch's fact lines instead of a
// facts read: on random facts (copies of one event at other times, same-millisecond traits and NPS
// scores that only the facts' key orders, tabs, backslashes and any unicode in the texts, odd
// amounts), the lines as the processor writes them give the same features as the engine's rollup
// of the same lines read back, at several nows.
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventFact } from '../models/tags/event-facts.ts'
import { featuresOfBatchFacts } from '../sql/profiles/batch-facts.ts'
import { readPersonFeatures } from '../sql/profiles/person-features-reader.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { migrate } from '../sql/migrate.ts'
import { factLines, insertFeatureFacts } from '../sql/writers/feature-facts-writer.ts'
import { tempDir } from './helpers/test-pulse.ts'

const DAY = 86_400_000
const BASE = Date.UTC(2026, 5, 1)

let ch: ClickHouse
beforeAll(async () => {
  ch = await openClickHouse({ user: 'default', password: '', database: 'batch_facts', embeddedPath: path.join(tempDir('batch-facts'), 'clickhouse') })
  await migrate(ch.client)
})
afterAll(async () => {
  await ch?.close()
})

const text = fc.oneof(fc.constantFrom('', 'north', 'south', 'a\tb', 'back\\slash', 'line\nbreak'), fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => s.toWellFormed()))
// Few distinct times, so ties in time are common.
const time = fc.integer({ min: -40, max: 3 }).map((d) => BASE + d * DAY + (d % 3) * 1000)

function factsOf(run: number) {
  return fc.array(
    fc.record({
      id: fc.constantFrom('u1', 'u2', 'a\t1'),
      event: fc.integer({ min: 0, max: 14 }),
      ts: time,
      late: fc.integer({ min: 0, max: 5000 }),
      flags: fc.integer({ min: 0, max: 31 }),
      amount: fc.oneof(fc.constant(0), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(19.99)),
      category: text, channel: text, region: text, ageBand: text, plan: text, topic: text, severity: text,
      complaint: fc.constantFrom('', 'filed', 'resolved') as fc.Arbitrary<'' | 'filed' | 'resolved'>,
      complaintId: fc.constantFrom('', 'c1', 'c2'),
      nps: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
    }).map((r): EventFact => ({
      // Few message ids: the same event again is a copy (another time, received later).
      source: r.event % 2 ? 'web' : 'a\\pp', messageId: `m-${run}-${r.event}`, keyId: r.id, ts: r.ts, receivedAt: BASE + r.late,
      activity: (r.flags & 1) !== 0, login: (r.flags & 2) !== 0, order: (r.flags & 4) !== 0, coupon: (r.flags & 8) !== 0, enquiry: (r.flags & 16) !== 0,
      amount: (r.flags & 4) !== 0 ? r.amount : 0, category: r.category, channel: r.channel, complaint: r.complaint, complaintId: r.complaint ? r.complaintId : '',
      severity: r.complaint ? r.severity : '', topic: r.topic, nps: r.nps, region: r.region, ageBand: r.ageBand, plan: r.plan,
    })),
    { minLength: 1, maxLength: 30 },
  )
}

describe('features from a batch\'s fact lines', () => {
  it('equal the features of the same lines filed in the rollup and read back', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }).chain((n) => factsOf(n)), async (facts) => {
        run++
        const lines = factLines(facts.map((f) => ({ ...f, keyId: `${run}:${f.keyId}` })))
        await insertFeatureFacts(ch, { bytes: Buffer.from(lines) })
        const persons = [{ personId: `p${run}`, ids: [`${run}:u1`, `${run}:a\t1`] }, { personId: `q${run}`, ids: [`${run}:u2`] }]
        for (const now of [BASE, BASE - 10 * DAY, BASE + 5 * DAY]) {
          const read = await readPersonFeatures(ch.client, persons, now)
          expect(featuresOfBatchFacts(lines, persons, now)).toEqual(read)
        }
      }),
      { numRuns: 60, seed: 11 },
    )
  })
})
