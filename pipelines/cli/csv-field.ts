// One CSV field as RFC 4180 writes it: a field holding a comma, a double quote, a carriage return
// or a line feed is enclosed in double quotes, and its double quotes are doubled (section 2, 6-7).
const NEEDS_QUOTES = /[",\r\n]/

export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
