// Finds where a statement ends, skipping quoted text, heredocs and comments as ClickHouse's lexer
// does (block comments nest: `/* /* */ */` is one comment), so a query API call holding more than
// one statement gets a clear refusal first. The guard itself is the engine's own parse
// (read-only-query.ts); this only words the common mistake.

/** Index just past a block comment opening at `start`, counting nested openings. */
function blockCommentEnd(sql: string, start: number): number {
  let depth = 0
  let i = start
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++
      i += 2
    } else if (sql.startsWith('*/', i)) {
      depth--
      i += 2
      if (depth === 0) return i
    } else i++
  }
  return sql.length
}

/** The statement without trailing semicolons, or null when it holds more than one statement. */
export function singleStatement(sql: string): string | null {
  let i = 0
  let end = -1
  while (i < sql.length) {
    const c = sql[i]
    const heredoc = c === '$' ? /^\$([A-Za-z0-9_]*)\$/.exec(sql.slice(i)) : null
    if (c === "'" || c === '"' || c === '`') {
      i++
      while (i < sql.length && sql[i] !== c) i += sql[i] === '\\' ? 2 : 1
      i++
    } else if (heredoc) {
      const close = sql.indexOf(heredoc[0], i + heredoc[0].length)
      i = close < 0 ? sql.length : close + heredoc[0].length
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++
    } else if (c === '/' && sql[i + 1] === '*') {
      i = blockCommentEnd(sql, i)
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
