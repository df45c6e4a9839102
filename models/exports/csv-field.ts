// One CSV field as RFC 4180 writes it: a field holding a comma, a double quote, a carriage return
// or a line feed is enclosed in double quotes, and its double quotes are doubled (section 2, 6-7).
// A text starting with = + - @, a tab or a carriage return gets a leading apostrophe, so a
// spreadsheet opening the file shows it as text instead of running it as a formula (OWASP, "CSV
// Injection"); numbers and booleans are written as they are, negative numbers included.
const NEEDS_QUOTES = /[",\r\n]/
const FORMULA_START = /^[=+\-@\t\r]/

export type CsvValue = string | number | boolean | null | undefined

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return String(value)
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
