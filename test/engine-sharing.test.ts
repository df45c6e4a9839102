// Ingest beside analysis on the embedded engine: while an analyst query runs on the read session,
// event inserts do not wait for it (they take the engine's direct insert, which binds no
// parameter), store exactly what the file insert stores, and rows the engine refuses still come
// back as data errors, so the processor sets them aside rather than waiting for the engine.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventRow } from '../models/events/event-row.ts'
import { isDataError } from '../pipelines/stream/engine-errors.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { migrate } from '../sql/migrate.ts'
import { eventLines, insertEvents } from '../sql/writers/event-writer.ts'
import { tempDir } from './helpers/test-pulse.ts'

let ch: ClickHouse

beforeAll(async () => {
  ch = await openClickHouse({ user: 'default', password: '', database: 'engine_sharing', embeddedPath: path.join(tempDir('engine-sharing'), 'clickhouse') })
  await migrate(ch.client)
})
afterAll(async () => {
  await ch?.close()
})

/** A read on the single-threaded read session that takes seconds (or ends at the session's time limit on a slow machine). */
function longAnalystQuery(): { done: () => boolean; finished: Promise<unknown> } {
  let settled = false
  const finished = ch.readClient!
    .query({ query: 'SELECT count() FROM numbers({n:UInt64}) WHERE sipHash64(number) % 7 = {m:UInt8}', query_params: { n: 300_000_000, m: 3 }, format: 'JSONEachRow' })
    .then((r) => r.json())
    .catch(() => undefined)
    .finally(() => {
      settled = true
    })
  return { done: () => settled, finished }
}

/** Rows whose texts hold every character the TabSeparated encoding escapes. */
function trickyRows(batch: string): EventRow[] {
  return ['plain', 'tab\there', 'line\nbreak\r', 'back\\slash', 'nul\u0000 and é 🙂'].map((text, i) => ({
    source: 'segment', message_id: `${batch}-${i}`, type: 'track', event: text, anonymous_id: `anon ${text}`, user_id: '', distinct_id: '',
    group_id: '', previous_id: '', session_id: '', ts: 1_780_000_000_000 + i, original_ts: null, sent_at: null, received_at: 1_780_000_000_500 + i,
    properties: JSON.stringify({ text }), traits: '{}', context: '{}', revenue: i === 0 ? null : i * 1.25, currency: 'EUR', url: '', ip: '',
    library: 'test', library_version: '1', warnings: i === 1 ? [text] : [],
  }))
}

async function storedOf(batch: string): Promise<Array<Record<string, unknown>>> {
  const result = await ch.client.query({
    query: `SELECT * EXCEPT (source, message_id, inserted_at, stream_seq) FROM events WHERE startsWith(message_id, {batch:String}) ORDER BY message_id`,
    query_params: { batch: `${batch}-` },
    format: 'JSONEachRow',
  })
  return result.json()
}

describe('event inserts beside an analyst query', () => {
  it('go in while the query runs and store the same rows as the file insert', async () => {
    const analyst = longAnalystQuery()
    await insertEvents(ch, { bytes: eventLines(trickyRows('during'), 1) })
    expect(analyst.done()).toBe(false)
    await analyst.finished
    await insertEvents(ch, { bytes: eventLines(trickyRows('after'), 2) })
    const during = await storedOf('during')
    expect(during).toHaveLength(5)
    expect(during).toEqual(await storedOf('after'))
  }, 120_000)

  it('report rows the engine refuses as data errors', async () => {
    const analyst = longAnalystQuery()
    const refused = await insertEvents(ch, { bytes: Buffer.from('only\tthree\tfields\n') }).then(() => null, (err: unknown) => err)
    expect(analyst.done()).toBe(false)
    await analyst.finished
    expect(isDataError(refused)).toBe(true)
  }, 120_000)
})
