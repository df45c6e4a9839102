// Structural limits on one event, checked before it is stored: ClickHouse's JSON functions and
// every reader downstream assume bounded depth.

export const MAX_DEPTH = 32

/**
 * Deepest nesting a request may have: an event's MAX_DEPTH plus the envelope (body, batch, event),
 * with room so that an event a little too deep is dead-lettered alone, its batch-mates stored.
 * Far below the depth where JSON.stringify's recursion overflows the stack (thousands).
 */
export const MAX_REQUEST_DEPTH = 4 * MAX_DEPTH

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** Occurrences of `ch` in `text`, counting no further than `limit` + 1 (indexOf is native). */
function countUpTo(text: string, ch: string, limit: number): number {
  let n = 0
  for (let i = text.indexOf(ch); i >= 0 && n <= limit; i = text.indexOf(ch, i + 1)) n++
  return n
}

/** Quick bound: a text with at most `limit` opening brackets cannot nest deeper than `limit`. */
export function mayNestDeeperThan(text: string, limit = MAX_DEPTH): boolean {
  const objects = countUpTo(text, '{', limit)
  return objects > limit || objects + countUpTo(text, '[', limit - objects) > limit
}

/**
 * Nesting depth of a JSON text (as JSON.stringify writes it), stopping once past `limit`.
 * One pass over the characters: cheaper than walking the parsed objects again.
 */
export function jsonTextDepth(text: string, limit = MAX_DEPTH): number {
  return depthOf(text.length, (i) => text.charCodeAt(i), limit)
}

/**
 * The same over UTF-8 bytes of valid JSON: bytes of multi-byte characters are never ASCII, so
 * brackets, quotes and backslashes are found as in the text.
 */
export function jsonBytesDepth(bytes: Uint8Array, limit = MAX_REQUEST_DEPTH): number {
  return depthOf(bytes.length, (i) => bytes[i], limit)
}

function depthOf(length: number, code: (i: number) => number, limit: number): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < length; i++) {
    const c = code(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > max && (max = depth) > limit) return max
    } else if (c === 125 || c === 93) depth--
  }
  return max
}
