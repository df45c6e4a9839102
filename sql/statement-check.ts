// Finds where a statement ends, skipping quoted text and comments, so that a query API call can
// hold exactly one statement (the embedded engine would otherwise run every statement it is given).

/** The statement without trailing semicolons, or null when it holds more than one statement. */
export function singleStatement(sql: string): string | null {
  let i = 0
  let end = -1
  while (i < sql.length) {
    const c = sql[i]
    if (c === "'" || c === '"' || c === '`') {
      i++
      while (i < sql.length && sql[i] !== c) i += sql[i] === '\\' ? 2 : 1
      i++
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2)
      i = close < 0 ? sql.length : close + 2
    } else if (c === ';') {
      if (end < 0) end = i
      i++
    } else {
      if (end >= 0 && !/\s/.test(c)) return null
      i++
    }
  }
  return end < 0 ? sql : sql.slice(0, end)
}
