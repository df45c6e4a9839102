// Rows of a delimited text file, streamed: CSV through csv-parse (quotes, BOM), or columns
// separated by runs of whitespace (as in CDNOW_sample.txt). Each row with its line and raw text.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { CsvError, parse } from 'csv-parse'
import { userError } from './user-error.ts'

export interface TableRow {
  /** 1-based line number. */
  line: number
  raw: string
  cells: string[]
}

/** `delimiter`: one character, "tab" or "whitespace". `onBytes` follows the reading (progress). */
export async function* tableRows(file: string, delimiter: string, onBytes: (n: number) => void = () => {}): AsyncGenerator<TableRow> {
  const stream = createReadStream(file)
  stream.on('data', (d) => onBytes(d.length))
  if (delimiter === 'whitespace') {
    let line = 0
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      line++
      const trimmed = text.trim()
      if (trimmed) yield { line, raw: trimmed, cells: trimmed.split(/\s+/) }
    }
    return
  }
  const parser = stream.pipe(parse({ delimiter: delimiter === 'tab' ? '\t' : delimiter, bom: true, raw: true, info: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true }))
  // pipe() does not pass a read error on: without this the rows would just never come.
  stream.on('error', (e) => parser.destroy(e))
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
      yield { line: r.info.lines, raw: r.raw.replace(/\r?\n$/, ''), cells: r.record }
    }
  } catch (e) {
    // A file that is not CSV (a quote never closed, say) is the person's to fix: name it.
    if (e instanceof CsvError) throw userError(`${file} cannot be read as CSV: ${e.message}: fix the file, or pass --delimiter`)
    throw e
  }
}
