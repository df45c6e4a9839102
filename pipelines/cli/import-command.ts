// `pulse import FILE`: backfills history into a running Pulse from NDJSON (Segment or PostHog
// event shapes) or from CSV with a column mapping. Events go to the import routes flagged
// `historical_migration`, so their timestamps are kept as they are; rows that cannot be imported
// go to a rejected-rows file with the reason, and a summary ends the run.
import { once } from 'node:events'
import { createReadStream, createWriteStream, rmSync, statSync, type WriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { csvRowToEvent, ndjsonLineToEvent, type CsvMapping, type ImportedRow } from '../../models/events/import-rows.ts'
import type { PulseConfig } from '../config.ts'
import { EventSender, type SendTotals } from './event-sender.ts'
import { assertReachable } from './reachable-pulse.ts'
import { progressBar } from './progress-bar.ts'
import { sendTarget } from './send-target.ts'
import { userError } from './user-error.ts'
import { tableRows } from './table-rows.ts'

export interface ImportOptions {
  file: string
  format?: 'ndjson' | 'csv'
  /** ',' (default), 'tab', 'whitespace' (runs of spaces, as in CDNOW_sample.txt) or one character. */
  delimiter: string
  /** Column names for a file without a header row. */
  columns?: string[]
  mapping: Omit<CsvMapping, 'userCol' | 'timeCol'> & { userCol?: string; timeCol?: string }
  rejected?: string
  url?: string
  batch: number
  concurrency: number
  rate: number
}

export interface ImportSummary {
  rows: number
  imported: number
  rejected: number
  refused: number
  seconds: number
  rejectedFile: string
  sent: SendTotals[]
}

async function* csvEvents(opts: ImportOptions, onBytes: (n: number) => void): AsyncGenerator<{ line: number; raw: string; out: ImportedRow }> {
  const { userCol, timeCol } = opts.mapping
  if (!userCol || !timeCol) throw userError('a CSV import needs --user-col and --time-col (and usually --revenue-col): which columns hold the customer and the time')
  const mapping = { ...opts.mapping, userCol, timeCol }
  const rows = tableRows(opts.file, opts.delimiter, onBytes)
  let names = opts.columns
  for await (const row of rows) {
    if (!names) {
      names = row.cells.map((c) => c.trim())
      for (const col of [userCol, timeCol, opts.mapping.revenueCol, opts.mapping.idCol]) {
        if (col && !names.includes(col)) throw userError(`column "${col}" is not in the header (${names.join(', ')}): check the name, or pass --columns for a file without a header`)
      }
      continue
    }
    if (row.cells.length !== names.length) {
      yield { line: row.line, raw: row.raw, out: { ok: false, reason: 'wrong_column_count', detail: `${row.cells.length} columns where the header has ${names.length}` } }
      continue
    }
    const record: Record<string, string> = {}
    names.forEach((n, i) => (record[n] = row.cells[i]))
    yield { line: row.line, raw: row.raw, out: csvRowToEvent(record, mapping, row.line, row.raw) }
  }
}

async function* ndjsonEvents(opts: ImportOptions, onBytes: (n: number) => void): AsyncGenerator<{ line: number; raw: string; out: ImportedRow }> {
  const stream = createReadStream(opts.file)
  stream.on('data', (d) => onBytes(d.length))
  let line = 0
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++
    if (text.trim()) yield { line, raw: text, out: ndjsonLineToEvent(text, line) }
  }
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain')
}

export async function runImport(opts: ImportOptions, config: PulseConfig, quiet = false): Promise<ImportSummary> {
  let size: number
  try {
    const found = statSync(opts.file)
    if (found.isDirectory()) throw userError(`${opts.file} is a folder: give the file to import`)
    size = found.size
  } catch (e) {
    if ((e as { userFacing?: boolean }).userFacing) throw e
    throw userError(`cannot read ${opts.file}: check the path`)
  }
  const format = opts.format ?? (/\.(nd)?jsonl?$|\.ndjson$/i.test(opts.file) ? 'ndjson' : 'csv')
  const target = sendTarget(opts.url, config, '')
  await assertReachable(target.url)
  const common = { ...target, batchSize: opts.batch, concurrency: opts.concurrency, rate: opts.rate }
  const segment = new EventSender({ ...common, path: '/v1/import', envelope: (batch) => ({ batch, historical_migration: true }) })
  const posthog = new EventSender({ ...common, path: '/batch/', envelope: (batch) => ({ api_key: target.writeKey, batch, historical_migration: true }) })
  const rejectedFile = opts.rejected ?? `${opts.file}.rejected.ndjson`
  const rejectedOut = createWriteStream(rejectedFile)
  const progress = quiet ? null : progressBar('import', 'bytes', 'rows', size)
  let bytes = 0
  const started = performance.now()
  let rows = 0
  let imported = 0
  let rejected = 0
  const source = format === 'ndjson' ? ndjsonEvents(opts, (n) => (bytes += n)) : csvEvents(opts, (n) => (bytes += n))
  try {
    for await (const { line, raw, out } of source) {
      rows++
      if (out.ok) {
        imported++
        await (out.kind === 'posthog' ? posthog : segment).add(out.event)
      } else {
        rejected++
        await write(rejectedOut, JSON.stringify({ line, reason: out.reason, detail: out.detail, raw }) + '\n')
      }
      if (rows % 1000 === 0) progress?.update(Math.min(bytes, size), rows)
    }
    const sent = [await segment.flush(), await posthog.flush()]
    progress?.update(size, rows)
    return { rows, imported, rejected, refused: sent[0].rejected + sent[1].rejected, seconds: (performance.now() - started) / 1000, rejectedFile, sent }
  } finally {
    progress?.stop()
    await new Promise((r) => rejectedOut.end(r))
    if (rejected === 0) rmSync(rejectedFile, { force: true })
  }
}

export function printImportSummary(s: ImportSummary): void {
  const fmt = (n: number) => n.toLocaleString('en-US')
  console.log(`read ${fmt(s.rows)} rows in ${s.seconds.toFixed(1)} s (${fmt(Math.round(s.rows / Math.max(s.seconds, 0.001)))} rows/s): ${fmt(s.imported - s.refused)} imported, ${fmt(s.rejected)} rejected here${s.refused ? `, ${fmt(s.refused)} refused by Pulse` : ''}`)
  for (const p of s.sent.flatMap((t) => t.problems)) console.log(`  refused: ${p}`)
  if (s.rejected) console.log(`rejected rows, with the reason: ${s.rejectedFile}`)
  // A history sent customer by customer leaves parts that each span all of it (README, "Importing history").
  if (s.imported - s.refused >= COMPACT_HINT_ROWS) console.log('analyses over this history run faster once it is compacted: `pulse compact` when Pulse has stored it')
}

/** Imports from this size on end with the hint to compact. */
const COMPACT_HINT_ROWS = 100_000
