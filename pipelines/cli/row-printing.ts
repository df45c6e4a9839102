// Query results for a terminal: an aligned table, JSON lines or CSV.
import { csvField } from '../../models/exports/csv-field.ts'

// Control and format characters (terminal escapes, bidi overrides) in stored values are shown as
// \u{…}: printed raw, an event sent with a write key could redraw the reader's terminal.
const UNPRINTABLE = /[\p{Cc}\p{Cf}]/gu

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return ''
  return printable(typeof v === 'object' ? JSON.stringify(v) : String(v))
}

const csvCell = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? csvField(v) : csvField(cell(v)))

export function formatTable(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)'
  const cols = Object.keys(rows[0])
  const widths = cols.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))))
  const line = (vals: string[]) => vals.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i])).join('  ').trimEnd()
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n')
}

export const PRINT_FORMATS = ['table', 'json', 'csv']

export function printRows(rows: Record<string, unknown>[], format: string): void {
  if (format === 'json') {
    for (const r of rows) console.log(JSON.stringify(r))
  } else if (format === 'csv') {
    if (rows.length === 0) return
    const cols = Object.keys(rows[0])
    console.log(cols.join(','))
    for (const r of rows) console.log(cols.map((c) => csvCell(r[c])).join(','))
  } else {
    console.log(formatTable(rows))
  }
}
