// A customer summary file (id, frequency|x, recency|t_x, T[, monetary|zbar|monetary_value]) read
// into one Float64Array per column: a million customers cost five arrays, not a million objects
// for the collector to trace. The ids stay bytes in the file's buffer until a prediction needs one.
import { readFileSync } from 'node:fs'
import type { TransactionSummary } from '../../models/value/transaction-summary.ts'
import { fieldText, scanDelimitedBytes, type FieldSpans } from './delimited-byte-scanner.ts'
import { userError } from './user-error.ts'

export interface SummaryColumns {
  length: number
  x: Float64Array
  tx: Float64Array
  T: Float64Array
  /** Mean spend of the repeat purchases; 0 when the file has no monetary column. */
  m: Float64Array
  /** The customer id of row i (its 1-based row number when the file has no id column). */
  customer(i: number): string
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k)

/**
 * The value of bytes [s, e): plain decimals (up to 15 digits) exactly, as mantissa / 10^k (both
 * exact doubles, so the quotient is the correctly rounded value, as Number() gives); -1 for any
 * other text, which Number() then reads.
 */
function plainDecimal(b: Uint8Array, s: number, e: number): number {
  let mantissa = 0
  let digits = 0
  let fraction = 0
  let dot = false
  for (let i = s; i < e; i++) {
    const c = b[i]
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48)
      digits++
      if (dot) fraction++
    } else if (c === 46 && !dot) dot = true
    else return -1
  }
  if (digits === 0 || digits > 15) return -1
  return fraction === 0 ? mantissa : mantissa / POW10[fraction]
}

const DECIMAL = /^\s*\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/

const COLUMNS = {
  frequency: ['frequency', 'x'],
  recency: ['recency', 't_x'],
  T: ['T'],
  monetary: ['monetary', 'zbar', 'monetary_value'],
}

/** Reads a summary file; refuses (naming the line) a value that is not a number >= 0 or a recency above T. */
export function readSummaryColumns(file: string, delimiter: string, columns?: string[]): SummaryColumns {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw userError(`cannot read ${file}: check the path`)
    if (code === 'EISDIR') throw userError(`${file} is a folder: give the file to fit on`)
    if (code === 'ERR_FS_FILE_TOO_LARGE') throw userError(`${file} is larger than 2 GiB: split it, or fit on a sample of its customers`)
    throw e
  }
  let capacity = 1
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) capacity++
  const x = new Float64Array(capacity)
  const tx = new Float64Array(capacity)
  const T = new Float64Array(capacity)
  const m = new Float64Array(capacity)
  const idStart = new Int32Array(capacity)
  const idEnd = new Int32Array(capacity)
  const idEscaped = new Uint8Array(capacity)
  let names = columns
  // Column index of each quantity: the first of its names the header has (the last column of that name).
  let at: Record<keyof typeof COLUMNS, number> | undefined
  let idAt = -1
  let n = 0
  const value = (f: FieldSpans, k: number, what: keyof typeof COLUMNS, line: number): number => {
    let v = k < 0 || k >= f.count ? NaN : plainDecimal(bytes, f.start[k], f.end[k])
    // Other decimal forms (an exponent, a sign, spaces around) go through Number(), which would also
    // read hexadecimal, binary and octal literals: those are refused, as the value means something else.
    if (v < 0 && k < f.count && f.end[k] > f.start[k]) {
      const text = fieldText(bytes, f, k)
      v = DECIMAL.test(text) ? Number(text) : NaN
    }
    if (!Number.isFinite(v) || v < 0) {
      const names = COLUMNS[what]
      throw userError(`line ${line} of the summary: ${what} (${names.join(' or ')}) must be a number >= 0, got ${JSON.stringify(k < 0 ? null : fieldText(bytes, f, k))}`)
    }
    // Frequency counts repeat purchases (Fader, Hardie & Lee 2005): a fraction is a column mix-up.
    if (what === 'frequency' && !Number.isInteger(v)) throw userError(`line ${line} of the summary: frequency must be a whole number of repeat purchases, got ${v}: check the column names`)
    return v
  }
  scanDelimitedBytes(bytes, delimiter, file, (f, line) => {
    if (!names) {
      names = Array.from({ length: f.count }, (_, k) => fieldText(bytes, f, k).trim())
      for (const what of ['frequency', 'recency', 'T'] as const) {
        if (!COLUMNS[what].some((c) => names!.includes(c))) throw userError(`the summary has no ${what} column (${COLUMNS[what].join(' or ')}); its columns: ${names.join(', ')}: rename the column or pass --columns`)
      }
      return
    }
    if (f.count > names.length) throw userError(`line ${line} of the summary has ${f.count} fields, the header ${names.length}: check the delimiter and the quotes of that line`)
    if (!at) {
      const index = (candidates: string[]) => names!.lastIndexOf(candidates.find((c) => names!.includes(c)) ?? '\0')
      at = { frequency: index(COLUMNS.frequency), recency: index(COLUMNS.recency), T: index(COLUMNS.T), monetary: index(COLUMNS.monetary) }
      idAt = index(['id', 'ID', 'customer'])
    }
    x[n] = value(f, at.frequency, 'frequency', line)
    tx[n] = value(f, at.recency, 'recency', line)
    T[n] = value(f, at.T, 'T', line)
    if (at.monetary >= 0) m[n] = value(f, at.monetary, 'monetary', line)
    // Recency is the time from the first to the last purchase, T from the first to the end of
    // the period: a last purchase after the end is impossible (Fader, Hardie & Lee 2005).
    if (tx[n] > T[n]) throw userError(`line ${line} of the summary: recency ${tx[n]} is greater than T ${T[n]} (a last purchase after the end of the period): check the file and its column names`)
    if (idAt >= 0 && idAt < f.count) {
      idStart[n] = f.start[idAt]
      idEnd[n] = f.end[idAt]
      idEscaped[n] = f.escaped[idAt]
    }
    n++
  })
  const customer = (i: number): string => {
    if (idAt < 0) return String(i + 1)
    const text = bytes.toString('utf8', idStart[i], idEnd[i])
    return idEscaped[i] ? text.replaceAll('""', '"') : text
  }
  return { length: n, x: x.subarray(0, n), tx: tx.subarray(0, n), T: T.subarray(0, n), m: m.subarray(0, n), customer }
}

/** Summaries made from a transaction log, as columns. */
export function summaryColumnsOf(summaries: readonly TransactionSummary[]): SummaryColumns {
  const column = (pick: (s: TransactionSummary) => number) => Float64Array.from(summaries, pick)
  return { length: summaries.length, x: column((s) => s.x), tx: column((s) => s.tx), T: column((s) => s.T), m: column((s) => s.m), customer: (i) => summaries[i].customer }
}
