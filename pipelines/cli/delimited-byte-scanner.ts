// Records of a delimited text file scanned straight from its bytes, without a string or an object
// per row: each record's fields are handed on as byte spans that are reused for the next record.
// CSV as RFC 4180 writes it, read the way table-rows.ts reads it with csv-parse (a UTF-8 BOM
// skipped, empty lines skipped, a quote opens a field only as its first byte, "" inside a quoted
// field is a quote, LF or CRLF ends a record); or columns separated by runs of blanks, one record
// per line (as in CDNOW_sample.txt).
import { userError } from './user-error.ts'

/** The fields of the current record: field k spans bytes [start[k], end[k]). */
export interface FieldSpans {
  count: number
  start: Int32Array
  end: Int32Array
  /** 1 when the field was quoted and holds "" pairs that stand for one quote each. */
  escaped: Uint8Array
}

const LF = 10
const CR = 13
const QUOTE = 34

const isBlank = (c: number) => c === 32 || c === 9 || c === 13 || c === 11 || c === 12

function grow(f: FieldSpans): void {
  const size = f.start.length * 2
  const start = new Int32Array(size)
  const end = new Int32Array(size)
  const escaped = new Uint8Array(size)
  start.set(f.start)
  end.set(f.end)
  escaped.set(f.escaped)
  Object.assign(f, { start, end, escaped })
}

function push(f: FieldSpans, s: number, e: number, escaped: number): void {
  if (f.count === f.start.length) grow(f)
  f.start[f.count] = s
  f.end[f.count] = e
  f.escaped[f.count] = escaped
  f.count++
}

function newlinesIn(b: Uint8Array, s: number, e: number): number {
  let n = 0
  for (let i = b.indexOf(LF, s); i >= 0 && i < e; i = b.indexOf(LF, i + 1)) n++
  return n
}

/**
 * Calls `onRecord(fields, line)` for every record, `line` being the 1-based line it starts on.
 * `delimiter`: one character, "tab" or "whitespace". `file` names the file in errors.
 */
export function scanDelimitedBytes(b: Uint8Array, delimiter: string, file: string, onRecord: (fields: FieldSpans, line: number) => void): void {
  const f: FieldSpans = { count: 0, start: new Int32Array(16), end: new Int32Array(16), escaped: new Uint8Array(16) }
  const len = b.length
  let i = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0
  let line = 1
  if (delimiter === 'whitespace') {
    while (i < len) {
      let eol = b.indexOf(LF, i)
      if (eol < 0) eol = len
      f.count = 0
      for (let j = i; j < eol; ) {
        while (j < eol && isBlank(b[j])) j++
        if (j === eol) break
        const s = j
        while (j < eol && !isBlank(b[j])) j++
        push(f, s, j, 0)
      }
      if (f.count > 0) onRecord(f, line)
      line++
      i = eol + 1
    }
    return
  }
  const d = delimiter === 'tab' ? 9 : Buffer.from(delimiter)[0]
  if (Buffer.byteLength(delimiter) !== 1 || d === QUOTE || d === LF || d === CR) throw userError(`--delimiter must be one character (not a quote or a line break), "tab" or "whitespace", got ${JSON.stringify(delimiter)}`)
  while (i < len) {
    if (b[i] === LF || (b[i] === CR && b[i + 1] === LF)) {
      i += b[i] === LF ? 1 : 2
      line++
      continue
    }
    const recordLine = line
    f.count = 0
    for (;;) {
      if (b[i] === QUOTE) {
        const s = i + 1
        let escaped = 0
        let q = b.indexOf(QUOTE, s)
        while (q >= 0 && b[q + 1] === QUOTE) {
          escaped = 1
          q = b.indexOf(QUOTE, q + 2)
        }
        if (q < 0) throw userError(`${file} cannot be read as CSV: Quote Not Closed: the quote that opens a field on line ${recordLine} is never closed: fix the file, or pass --delimiter`)
        line += newlinesIn(b, s, q)
        push(f, s, q, escaped)
        i = q + 1
        if (i < len && b[i] !== d && b[i] !== LF && !(b[i] === CR && b[i + 1] === LF)) {
          throw userError(`${file} cannot be read as CSV: Invalid Closing Quote: a quoted field on line ${line} goes on after its closing quote: fix the file, or pass --delimiter`)
        }
      } else {
        const s = i
        while (i < len && b[i] !== d && b[i] !== LF) i++
        push(f, s, i > s && b[i - 1] === CR && (i === len || b[i] === LF) ? i - 1 : i, 0)
      }
      if (i < len && b[i] === d) {
        i++
        continue
      }
      break
    }
    onRecord(f, recordLine)
    // Past the record's end: LF, CRLF or the end of the bytes.
    if (b[i] === CR) i++
    if (b[i] === LF) {
      i++
      line++
    }
  }
}

/** The text of field k (quotes and "" pairs resolved). */
export function fieldText(b: Uint8Array, f: FieldSpans, k: number): string {
  if (k >= f.count) return ''
  const text = Buffer.from(b.buffer, b.byteOffset + f.start[k], f.end[k] - f.start[k]).toString('utf8')
  return f.escaped[k] ? text.replaceAll('""', '"') : text
}
