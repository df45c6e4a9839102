// The row encoder against the real engine: whatever a row holds (NUL, tabs, line breaks,
// backslashes, quotes, lone surrogates, emoji, tiny and huge amounts, the first and last
// millisecond the table holds), the row read back is the row written, lone surrogates as U+FFFD.
// And whatever an event holds, the normalisers either dead-letter it or produce rows that insert.
import fc from 'fast-check'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVENT_TYPES, type EventRow } from '../models/events/event-row.ts'
import { MAX_TIME_MS, MIN_TIME_MS } from '../models/events/event-time.ts'
import { wellFormed } from '../models/events/field-coercion.ts'
import { jsonTextDepth } from '../models/events/json-limits.ts'
import { eventsOfRequest } from '../models/events/request-events.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { escapeFree, eventLines, insertEvents } from '../sql/writers/event-writer.ts'
import { migrate } from '../sql/migrate.ts'
import { looseValue, posthogEvent, segmentEvent, text } from './helpers/event-arbitraries.ts'
import { tempDir } from './helpers/test-pulse.ts'

let ch: ClickHouse
let seq = 0

beforeAll(async () => {
  ch = await openClickHouse({ user: 'default', password: '', database: 'encoder_roundtrip', embeddedPath: path.join(tempDir('encoder-roundtrip'), 'clickhouse') })
  await migrate(ch.client)
})
afterAll(async () => {
  await ch?.close()
})

const time = fc.oneof(fc.integer({ min: MIN_TIME_MS, max: MAX_TIME_MS }), fc.constantFrom(MIN_TIME_MS, MAX_TIME_MS, -1, 0, -1500, -2001, 99_999_999_999, 100_000_000_000, 999_999_999_999, 1_000_000_000_000, 9_999_999_999_999, 10_000_000_000_000))
const amount = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1e-300, 0.1))
const json = fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }).map((v) => JSON.stringify(v))

const row: fc.Arbitrary<Omit<EventRow, 'source'>> = fc.record({
  message_id: text, type: fc.constantFrom(...EVENT_TYPES), event: text, anonymous_id: text, user_id: text, distinct_id: text,
  group_id: text, previous_id: text, session_id: text, ts: time, original_ts: fc.option(time), sent_at: fc.option(time), received_at: time,
  properties: json, traits: json, context: json, revenue: fc.option(amount), currency: text, url: text, ip: text, library: text,
  library_version: text, warnings: fc.array(text, { maxLength: 3 }),
})

type Stored = Record<string, unknown>

/** Inserts the rows through the product's encoder and insert, and reads them back in order. */
async function roundTrip(rows: EventRow[]): Promise<Stored[]> {
  const s = ++seq
  await insertEvents(ch, { bytes: eventLines(rows, s) })
  const result = await ch.client.query({
    query: `SELECT * EXCEPT (inserted_at, ts, original_ts, sent_at, received_at, stream_seq),
              toUnixTimestamp64Milli(ts) AS ts, toUnixTimestamp64Milli(original_ts) AS original_ts,
              toUnixTimestamp64Milli(sent_at) AS sent_at, toUnixTimestamp64Milli(received_at) AS received_at
            FROM events WHERE stream_seq = {s:UInt64} ORDER BY source SETTINGS final = 0`,
    query_params: { s },
    format: 'JSONEachRow',
  })
  return (await result.json<Stored>()).map((r) => ({
    ...r,
    ts: Number(r.ts),
    received_at: Number(r.received_at),
    original_ts: r.original_ts === null ? null : Number(r.original_ts),
    sent_at: r.sent_at === null ? null : Number(r.sent_at),
  }))
}

/** What the table should hold for a row: text as valid UTF-8, times to the millisecond. */
function expected(r: EventRow): Stored {
  const out: Stored = {} // -0 reads back as 0
  for (const [k, v] of Object.entries(r)) {
    out[k] = typeof v === 'string' ? wellFormed(v) : Array.isArray(v) ? v.map(wellFormed) : typeof v === 'number' ? (k === 'revenue' ? v : Math.round(v)) + 0 : v
  }
  return out
}

let batch = 0
/** A source per row, unique across runs: merges collapse rows of the same (source, message_id). */
const numbered = (rows: Array<Omit<EventRow, 'source'>>): EventRow[] => {
  batch++
  return rows.map((r, i) => ({ ...r, source: `b${batch}-${String(i).padStart(3, '0')}` }))
}

describe('the row encoder, through the engine', () => {
  it('writes every row so that it reads back as written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 6 }), async (generated) => {
        const rows = numbered(generated)
        expect(await roundTrip(rows)).toEqual(rows.map(expected))
      }),
      { numRuns: 250 },
    )
  })

  it('stores times before 1970, before 1973 and after 2286 to the millisecond', async () => {
    const base = fc.sample(row, { numRuns: 1, seed: 1 })[0]
    const times = [Date.UTC(1969, 11, 31, 23, 59, 58, 500), -1, Date.UTC(1950, 5, 1, 12), Date.UTC(1972, 0, 1), 99_999_999_999, 100_000_000_000, 9_999_999_999_999, 10_000_000_000_000, MIN_TIME_MS, MAX_TIME_MS]
    const rows = numbered(times.map((t) => ({ ...base, ts: t, original_ts: t, sent_at: t })))
    expect((await roundTrip(rows)).map((r) => [r.ts, r.original_ts, r.sent_at])).toEqual(times.map((t) => [t, t, t]))
  })
})

describe('normalisers and encoder together', () => {
  it('dead-letter what the table cannot hold and store the rest, for any event values', async () => {
    const request = fc.oneof(
      fc.record({ format: fc.constant('segment-batch' as const), body: fc.record({ batch: fc.array(segmentEvent, { minLength: 1, maxLength: 5 }), sentAt: looseValue }) }),
      fc.record({ format: fc.constant('posthog-v0' as const), body: fc.record({ batch: fc.array(posthogEvent, { minLength: 1, maxLength: 5 }), sent_at: looseValue }) }),
    )
    await fc.assert(
      fc.asyncProperty(request, async ({ format, body }) => {
        const rawText = JSON.stringify(body)
        const req = { format, body, source: `fuzz-${++batch}`, receivedAt: Date.UTC(2026, 10, 23), ip: '10.0.0.1', sdkInfo: '', historical: false, depth: null, rawText, streamSeq: 1 }
        const { rows, deadLetters } = eventsOfRequest(req, { maxEventBytes: 32 * 1024 })
        expect(rows.length + deadLetters.length).toBe(body.batch.length)
        // The request's depth measured at ingest only spares the per-event checks: same outcome.
        expect(eventsOfRequest({ ...req, depth: jsonTextDepth(rawText, Infinity) }, { maxEventBytes: 32 * 1024 })).toEqual({ rows, deadLetters })
        // A request and headers free of escaped characters give rows that need no escaping.
        if (escapeFree([rawText, req.source, req.ip])) expect(eventLines(rows, 1, true)).toEqual(eventLines(rows, 1))
        if (rows.length === 0) return
        const numberedRows = numbered(rows)
        expect(await roundTrip(numberedRows)).toEqual(numberedRows.map(expected))
      }),
      { numRuns: 250 },
    )
  })
})
