// `pulse import`: CDNOW through a CSV mapping stores one Order Completed per transaction with the
// right customer, day and amount; a second import changes nothing; broken rows are reported and
// the good ones stored; NDJSON in both SDK shapes keeps its historical timestamps.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { runImport, type ImportOptions } from '../pipelines/cli/import-command.ts'
import { countEvents, sql, startTestPulse, tempDir, testConfig, waitFor } from './helpers/test-pulse.ts'

const CDNOW = path.resolve(import.meta.dirname, 'fixtures/cdnow/CDNOW_sample.txt')
let pulse: RunningPulse
const config = testConfig('import-cli')

beforeAll(async () => {
  pulse = await startTestPulse('import')
})
afterAll(async () => {
  await pulse?.stop()
})

function options(file: string, extra: Partial<ImportOptions> = {}): ImportOptions {
  return { file, delimiter: ',', mapping: { event: 'Order Completed', timeFormat: 'auto' }, url: pulse.url, batch: 500, concurrency: 4, rate: 0, ...extra }
}

const cdnowOptions = () =>
  options(CDNOW, { delimiter: 'whitespace', columns: ['master_id', 'id', 'date', 'cds', 'spent'], mapping: { event: 'Order Completed', userCol: 'id', timeCol: 'date', timeFormat: 'auto', revenueCol: 'spent' } })

/** Rows the processor has inserted so far, duplicates included (they collapse in queries). */
async function inserted(): Promise<number> {
  const text = await (await fetch(pulse.url + '/metrics')).text()
  return Number(/^pulse_processor_stored_events_total (\d+)/m.exec(text)?.[1] ?? 0)
}

/**
 * Runs an import again and waits until the processor has inserted all of it again. Other batch
 * sizes make other request bodies, so the stream's request-level deduplication does not catch
 * them and the row-level one (the events table) is what is tested.
 */
async function reimport(opts: ImportOptions): Promise<void> {
  const before = await inserted()
  const summary = await runImport({ ...opts, batch: 1 }, config, true)
  await waitFor(inserted, (n) => n >= before + summary.imported)
}

async function orders(): Promise<string[]> {
  const rows = await sql<{ user_id: string; day: string; revenue: number }>(
    pulse.url,
    "SELECT user_id, toString(toDate(ts)) AS day, revenue FROM events WHERE event = 'Order Completed' AND source = 'test' AND JSONHas(properties, 'cds')",
  )
  return rows.map((r) => `${r.user_id} ${r.day} ${Number(r.revenue).toFixed(2)}`).sort()
}

describe('importing CDNOW_sample.txt through a CSV mapping', () => {
  const expected = readFileSync(CDNOW, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [, id, date, , spent] = l.split(/\s+/)
      return `${id} ${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)} ${Number(spent).toFixed(2)}`
    })
    .sort()

  it('stores one Order Completed per transaction with its customer, day and amount', async () => {
    const summary = await runImport(cdnowOptions(), config, true)
    expect(summary).toMatchObject({ rows: 6919, imported: 6919, rejected: 0, refused: 0 })
    const stored = await waitFor(orders, (o) => o.length >= expected.length)
    expect(stored).toEqual(expected)
  })

  it('changes nothing when imported again', async () => {
    const before = await countEvents(pulse.url)
    await reimport(cdnowOptions())
    expect(await countEvents(pulse.url)).toEqual(before)
    expect(await orders()).toEqual(expected)
  })
})

describe('a file with broken rows', () => {
  it('imports the good rows and reports each bad one with its reason', async () => {
    const dir = tempDir('import-broken')
    const file = path.join(dir, 'orders.csv')
    writeFileSync(
      file,
      [
        'order,customer,when,amount,product',
        'b1,alice,2024-03-01T10:00:00Z,12.50,"Course, Spanish"',
        'b2,,2024-03-02,9.99,repair',
        'b3,bob,not-a-date,5,cleaning',
        'b4,carol,2024-03-04,twelve,music',
        'b5,dave,2024-03-05,7.25',
        'b6,erin,2024-03-06 08:30,20,coding',
      ].join('\n') + '\n',
    )
    const summary = await runImport(options(file, { mapping: { event: 'Order Completed', userCol: 'customer', timeCol: 'when', timeFormat: 'auto', revenueCol: 'amount', idCol: 'order' } }), config, true)
    expect(summary).toMatchObject({ rows: 6, imported: 2, rejected: 4, refused: 0 })
    const rejected = readFileSync(summary.rejectedFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, 'missing_user_id'],
      [4, 'invalid_timestamp'],
      [5, 'invalid_revenue'],
      [6, 'wrong_column_count'],
    ])
    const rows = await waitFor(
      () => sql<{ message_id: string; user_id: string; ts: string; revenue: number; properties: string }>(pulse.url, "SELECT message_id, user_id, ts, revenue, properties FROM events WHERE message_id IN ('b1', 'b6') ORDER BY message_id"),
      (r) => r.length === 2,
    )
    expect(rows.map((r) => [r.user_id, r.ts, Number(r.revenue)])).toEqual([
      ['alice', '2024-03-01 10:00:00.000', 12.5],
      ['erin', '2024-03-06 08:30:00.000', 20],
    ])
    expect(JSON.parse(rows[0].properties)).toMatchObject({ product: 'Course, Spanish', revenue: 12.5 })
  })
})

describe('NDJSON in the Segment and PostHog shapes', () => {
  it('keeps historical timestamps, derives missing ids, and stores a second import once', async () => {
    const dir = tempDir('import-ndjson')
    const file = path.join(dir, 'history.ndjson')
    writeFileSync(
      file,
      [
        JSON.stringify({ type: 'track', event: 'Lesson Viewed', userId: 'nd-1', timestamp: '2019-05-01T12:00:00.000Z', sentAt: '2026-01-01T00:00:00.000Z', properties: { lesson: 3 } }),
        JSON.stringify({ type: 'identify', userId: 'nd-2', traits: { plan: 'pro' }, timestamp: '2018-02-03T04:05:06.000Z', messageId: 'nd-identify' }),
        JSON.stringify({ event: 'signed_up', distinct_id: 'ph-1', timestamp: '2020-07-08T09:10:11.000Z', properties: { plan: 'free' } }),
        JSON.stringify({ event: 'upgraded', distinct_id: 'ph-1', timestamp: '2021-01-02T03:04:05.000Z', uuid: '0190d5a8-4b7e-7cc0-8e2a-55b5b9f1c001' }),
        '{not json',
      ].join('\n') + '\n',
    )
    const first = await runImport(options(file), config, true)
    expect(first).toMatchObject({ rows: 5, imported: 4, rejected: 1 })
    const read = () => sql<{ user_id: string; distinct_id: string; event: string; ts: string }>(pulse.url, "SELECT user_id, distinct_id, event, ts FROM events WHERE distinct_id IN ('nd-1', 'nd-2', 'ph-1') ORDER BY ts")
    const stored = await waitFor(read, (r) => r.length === 4)
    expect(stored.map((r) => [r.distinct_id, r.event, r.ts])).toEqual([
      ['nd-2', '$identify', '2018-02-03 04:05:06.000'],
      ['nd-1', 'Lesson Viewed', '2019-05-01 12:00:00.000'],
      ['ph-1', 'signed_up', '2020-07-08 09:10:11.000'],
      ['ph-1', 'upgraded', '2021-01-02 03:04:05.000'],
    ])
    await reimport(options(file))
    expect(await read()).toHaveLength(4)
  })
})
