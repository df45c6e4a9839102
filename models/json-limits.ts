// Structural limits on one event, checked before it is stored: ClickHouse's JSON functions and
// every reader downstream assume bounded depth, and Segment caps an event at 32 KB.

export const MAX_DEPTH = 32

/** Depth of nested objects/arrays, stopping early once past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_DEPTH): number {
  let max = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length) {
    const [v, d] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    const depth = d + 1
    if (depth > max) max = depth
    if (max > limit) return max
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth])
    }
  }
  return max
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
