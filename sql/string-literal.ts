// A text as a single-quoted ClickHouse string literal, for the few Pulse-made values that go into a
// statement's text rather than bound (a spooled file's path, a parameter's type name): backslashes
// and quotes escaped, everything else as it is.
export function stringLiteral(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}
