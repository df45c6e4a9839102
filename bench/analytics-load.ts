// bench/analytics's load: the simulated events (bench/analytics-data.ts) into the engine through
// the processor's own insert statement (the materialized views fill the analysis tables), and the
// persons' ids into person_ids.
// Two orders:
// - `time` (default): as the stream delivers them, in the order of their time, everyone's events
//   interleaved, in inserts of BATCH_EVENTS events. Each part of the analysis table then holds a
//   few days, as a live Pulse's parts do, and a range read meets few parts that overlap.
// - `person`: one person's whole year after another, as an import of per-customer histories
//   sends them. Every insert spans the whole year, so every part overlaps every range, and a read
//   with FINAL merges them all until background merges have joined them (README, "What is stored").
// The generator makes persons one after another; for `time` each event's encoded line goes to the
// spool file of its week (beside the engine's folder), and the weeks are sorted and inserted in order.
import { createReadStream, createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { ClickHouse } from '../sql/clickhouse-client.ts'
import { insertJsonRows } from '../sql/json-rows-insert.ts'
import { eventLines, insertEvents } from '../sql/writers/event-writer.ts'
import { analyticsData, type AnalyticsDataOptions, type PersonIdRow } from './analytics-data.ts'
import { fmt } from './bench-harness.ts'

export type LoadOrder = 'time' | 'person'

const BATCH_EVENTS = 200_000
const ID_BATCH = 100_000
const WEEK = 7 * 86_400_000

/** Inserts one kind of rows with one insert in flight while the next batch is made. */
class Pipelined {
  private last: Promise<void> = Promise.resolve()
  async push(insert: () => Promise<void>): Promise<void> {
    await this.last
    this.last = insert()
  }
  done(): Promise<void> {
    return this.last
  }
}

export async function loadAnalyticsData(ch: ClickHouse, o: AnalyticsDataOptions, order: LoadOrder, spoolDir: string): Promise<void> {
  const started = performance.now()
  const idSession = await ch.writeSession()
  const events = new Pipelined()
  const ids = new Pipelined()
  let idRows: PersonIdRow[] = []
  let seq = 0
  let inserted = 0
  const insertBatch = (chunks: Buffer[], n: number) => {
    const bytes = Buffer.concat(chunks)
    inserted += n
    seq++
    return events.push(() => insertEvents(ch, { bytes }))
  }
  const flushIds = () => {
    const rows = idRows as unknown as Record<string, unknown>[]
    idRows = []
    return ids.push(() => insertJsonRows(idSession.client, 'person_ids', rows))
  }
  const weeks = order === 'time' ? new WeekSpool(spoolDir, o.startMs) : null
  let chunks: Buffer[] = []
  let batchEvents = 0
  try {
    for (const person of analyticsData(o)) {
      if (weeks) for (const row of person.rows) await weeks.add(row.ts, eventLines([row], 0, true).toString())
      else {
        chunks.push(eventLines(person.rows, seq, true))
        batchEvents += person.rows.length
        if (batchEvents >= BATCH_EVENTS) {
          await insertBatch(chunks, batchEvents)
          chunks = []
          batchEvents = 0
        }
      }
      for (const r of person.ids) idRows.push(r)
      if (idRows.length >= ID_BATCH) await flushIds()
    }
    if (weeks) {
      await weeks.close()
      for await (const lines of weeks.sortedLines()) {
        for (let i = 0; i < lines.length; i += BATCH_EVENTS) {
          // The stream's sequence number goes last on each line (event-writer.ts).
          const batch = lines.slice(i, i + BATCH_EVENTS).map((l) => Buffer.from(`${l.slice(0, l.lastIndexOf('\t'))}\t${seq}\n`))
          await insertBatch(batch, batch.length)
        }
      }
    } else if (batchEvents > 0) await insertBatch(chunks, batchEvents)
    await flushIds()
    await events.done()
    await ids.done()
  } finally {
    weeks?.remove()
  }
  const seconds = (performance.now() - started) / 1000
  console.log(`  loaded ${fmt(inserted)} events of ${fmt(o.persons)} persons (${fmt(o.bots)} bots of ${fmt(o.botEvents)} events each) in ${order} order in ${seconds.toFixed(1)} s: ${fmt(inserted / seconds)} events/s`)
}

/** Encoded event lines spooled per week of their time, read back a week at a time in time order. */
class WeekSpool {
  private readonly files = new Map<number, WriteStream>()

  constructor(private readonly dir: string, private readonly startMs: number) {
    mkdirSync(dir, { recursive: true })
  }

  async add(ts: number, line: string): Promise<void> {
    const week = Math.max(0, Math.floor((ts - this.startMs) / WEEK))
    let file = this.files.get(week)
    if (!file) this.files.set(week, (file = createWriteStream(this.fileOf(week))))
    // The time leads the line so that the week can be sorted without parsing it.
    if (!file.write(`${ts}\t${line.slice(0, -1)}\n`)) await new Promise((r) => file!.once('drain', r))
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => new Promise((r) => f.end(r))))
  }

  /** Each week's lines (without the leading time), sorted by time; weeks in order. */
  async *sortedLines(): AsyncGenerator<string[]> {
    for (const week of [...this.files.keys()].sort((a, b) => a - b)) {
      const rows: Array<[number, string]> = []
      for await (const l of createInterface({ input: createReadStream(this.fileOf(week)), crlfDelay: Infinity })) {
        const tab = l.indexOf('\t')
        rows.push([Number(l.slice(0, tab)), l.slice(tab + 1)])
      }
      rows.sort((a, b) => a[0] - b[0])
      yield rows.map((r) => r[1])
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }

  private fileOf(week: number): string {
    return path.join(this.dir, `week-${week}.tsv`)
  }
}
