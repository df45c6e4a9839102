// The `{name:Type}` query parameters of a statement, as the engine's lexer sees them: outside
// string literals ('...'), quoted identifiers ("..." and `...`) and comments (-- to the end of the
// line, /* ... */). Text inside those stays as written, as it does when the engine binds the
// parameters itself (ClickHouse docs, "Queries with parameters").

/** A parameter: its name, and its type as written (it may hold quotes: DateTime64(3, 'UTC')). */
export interface Placeholder {
  name: string
  type: string
}

// Sticky: tried at each `{` outside quotes. Nested braces never occur in a type.
const PLACEHOLDER_AT = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/y

/** The end (exclusive) of the quoted run opening at `start` with `quote`; backslash escapes and doubled quotes stay inside. */
function quotedEnd(sql: string, start: number, quote: string): number {
  let i = start + 1
  while (i < sql.length) {
    const c = sql[i]
    if (c === '\\') i += 2
    else if (c === quote && sql[i + 1] === quote) i += 2
    else if (c === quote) return i + 1
    else i++
  }
  return sql.length
}

/** The end (exclusive) of the block comment opening at `start`; the engine nests them. */
function commentEnd(sql: string, start: number): number {
  let depth = 0
  let i = start
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++
      i += 2
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      i += 2
      if (--depth === 0) return i
    } else i++
  }
  return sql.length
}

/** `sql` with each parameter outside quotes and comments replaced by `replace(placeholder)`. */
export function replacePlaceholders(sql: string, replace: (p: Placeholder) => string): string {
  let out = ''
  let i = 0
  while (i < sql.length) {
    const c = sql[i]
    let end = i + 1
    if (c === "'" || c === '"' || c === '`') end = quotedEnd(sql, i, c)
    else if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i)
      end = eol < 0 ? sql.length : eol
    } else if (c === '/' && sql[i + 1] === '*') {
      end = commentEnd(sql, i)
    } else if (c === '{') {
      PLACEHOLDER_AT.lastIndex = i
      const m = PLACEHOLDER_AT.exec(sql)
      if (m) {
        out += replace({ name: m[1], type: m[2] })
        i = PLACEHOLDER_AT.lastIndex
        continue
      }
    }
    out += sql.slice(i, end)
    i = end
  }
  return out
}

/** Every parameter of `sql` (outside quotes and comments), in order. */
export function placeholdersOf(sql: string): Placeholder[] {
  const found: Placeholder[] = []
  replacePlaceholders(sql, (p) => {
    found.push(p)
    return ''
  })
  return found
}
