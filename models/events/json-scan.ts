// A validating JSON scan over UTF-8 bytes that builds no values: it accepts exactly the texts
// JSON.parse accepts (RFC 8259 grammar; the caller checks UTF-8) and reports where each
// top-level member's value lies and how many elements arrays near the top hold. Ingest uses it
// to refuse malformed batches without materialising every event twice (the processor parses
// them anyway): a large Segment batch scans in about half the time JSON.parse takes and leaves
// no garbage behind. It also caps depth and size, so a request nested thousands deep is refused
// here instead of overflowing the stack of JSON.stringify's recursion in the processor.

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null'

export interface MemberSpan {
  /** Byte range of the member's value. */
  start: number
  end: number
  kind: JsonKind
  /** Element count when the value is an array. */
  elements: number
}

export interface ScanLimits {
  /** Deepest nesting of objects and arrays accepted. */
  maxDepth: number
  maxBytes: number
}

export type ScanProblem = 'malformed_json' | 'too_deeply_nested' | 'too_large'

export type JsonScan =
  /** `depth`: the deepest nesting of objects/arrays in the text (0 for a scalar). */
  | { ok: true; kind: JsonKind; members: Map<string, MemberSpan>; elements: number; depth: number }
  | { ok: false; problem: ScanProblem; message: string }

const OBJECT = 1
const ARRAY = 2
const QUOTE = 0x22
const BACKSLASH = 0x5c

function ws(b: Uint8Array, i: number): number {
  for (;;) {
    const c = b[i]
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++
    else return i
  }
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
}

/** End of the string starting at the quote at `i`, or -1 if it is not a valid JSON string. */
function scanString(b: Uint8Array, i: number): number {
  const n = b.length
  for (let j = i + 1; j < n; j++) {
    const c = b[j]
    if (c === QUOTE) return j + 1
    if (c === BACKSLASH) {
      const e = b[j + 1]
      if (e === 0x75) {
        if (!(isHex(b[j + 2]) && isHex(b[j + 3]) && isHex(b[j + 4]) && isHex(b[j + 5]))) return -1
        j += 5
      } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) j++
      else return -1
    } else if (c < 0x20) return -1
  }
  return -1
}

function digits(b: Uint8Array, i: number): number {
  while (b[i] >= 0x30 && b[i] <= 0x39) i++
  return i
}

/** End of the number starting at `i`, or -1: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
function scanNumber(b: Uint8Array, i: number): number {
  if (b[i] === 0x2d) i++
  if (b[i] === 0x30) i++
  else if (b[i] >= 0x31 && b[i] <= 0x39) i = digits(b, i + 1)
  else return -1
  if (b[i] === 0x2e) {
    const j = digits(b, i + 1)
    if (j === i + 1) return -1
    i = j
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++
    if (b[i] === 0x2b || b[i] === 0x2d) i++
    const j = digits(b, i)
    if (j === i) return -1
    i = j
  }
  return i
}

function scanLiteral(b: Uint8Array, i: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return -1
  return i + word.length
}

function decodeKey(b: Uint8Array, start: number, end: number): string {
  const text = Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8')
  return text.includes('\\') ? (JSON.parse(text) as string) : text.slice(1, -1)
}

function fail(b: Uint8Array, i: number): JsonScan {
  if (i >= b.length) return { ok: false, problem: 'malformed_json', message: 'unexpected end of JSON input' }
  return { ok: false, problem: 'malformed_json', message: `unexpected character ${JSON.stringify(String.fromCharCode(b[i]))} at byte ${i}` }
}

/** Where the value after the key string ending at `keyEnd` starts (past the colon), or -1. */
function afterKey(b: Uint8Array, keyEnd: number): number {
  const colon = ws(b, keyEnd)
  return b[colon] === 0x3a ? ws(b, colon + 1) : -1
}

export function scanJson(b: Uint8Array, limits: ScanLimits): JsonScan {
  const n = b.length
  if (n > limits.maxBytes) return { ok: false, problem: 'too_large', message: `the body is ${n} bytes, over the ${limits.maxBytes}-byte limit: send smaller batches` }
  const open: number[] = [] // the containers enclosing the current position
  const counts: number[] = [0] // elements seen so far in the array at each depth
  const members = new Map<string, MemberSpan>()
  let key = ''
  let memberStart = 0
  let deepest = 0
  let i = ws(b, 0)
  let kind: JsonKind
  /** Reads the key at i of an object at `depth`; returns where its value starts, or -1. */
  const readKey = (depth: number): number => {
    if (b[i] !== QUOTE) return -1
    const keyEnd = scanString(b, i)
    if (keyEnd < 0) return -1
    if (depth === 1) key = decodeKey(b, i, keyEnd)
    return afterKey(b, keyEnd)
  }
  for (;;) {
    // A value starts at i.
    const d = open.length
    if (d > 0 && open[d - 1] === ARRAY) counts[d]++
    if (d === 1 && open[0] === OBJECT) memberStart = i
    const c = b[i]
    let elements = 0
    if (c === 0x7b || c === 0x5b) {
      const type = c === 0x7b ? OBJECT : ARRAY
      if (d === limits.maxDepth) {
        return { ok: false, problem: 'too_deeply_nested', message: `objects/arrays nest more than ${limits.maxDepth} levels deep (at byte ${i}): flatten the events` }
      }
      open.push(type)
      if (d + 1 > deepest) deepest = d + 1
      counts[d + 1] = 0
      i = ws(b, i + 1)
      if (b[i] !== (type === OBJECT ? 0x7d : 0x5d)) {
        if (type === OBJECT) {
          const valueAt = readKey(d + 1)
          if (valueAt < 0) return fail(b, i)
          i = valueAt
        }
        continue
      }
      open.pop()
      i++
      kind = type === OBJECT ? 'object' : 'array'
    } else {
      let end: number
      if (c === QUOTE) ((end = scanString(b, i)), (kind = 'string'))
      else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) ((end = scanNumber(b, i)), (kind = 'number'))
      else if (c === 0x74) ((end = scanLiteral(b, i, 'true')), (kind = 'boolean'))
      else if (c === 0x66) ((end = scanLiteral(b, i, 'false')), (kind = 'boolean'))
      else if (c === 0x6e) ((end = scanLiteral(b, i, 'null')), (kind = 'null'))
      else return fail(b, i)
      if (end < 0) return fail(b, i)
      i = end
    }
    // A value of `kind` ended at i: record it, then close every container it completes.
    for (;;) {
      const depth = open.length
      if (depth === 0) {
        const rest = ws(b, i)
        return rest === n ? { ok: true, kind, members, elements: counts[1] ?? 0, depth: deepest } : fail(b, rest)
      }
      if (depth === 1 && open[0] === OBJECT) members.set(key, { start: memberStart, end: i, kind, elements })
      i = ws(b, i)
      const top = open[depth - 1]
      if (b[i] === 0x2c) {
        i = ws(b, i + 1)
        if (top === OBJECT) {
          const valueAt = readKey(depth)
          if (valueAt < 0) return fail(b, i)
          i = valueAt
        }
        break
      }
      if (b[i] !== (top === OBJECT ? 0x7d : 0x5d)) return fail(b, i)
      elements = top === ARRAY ? counts[depth] : 0
      open.pop()
      i++
      kind = top === OBJECT ? 'object' : 'array'
    }
  }
}
