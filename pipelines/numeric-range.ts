// The allowed range of a numeric option: the check shared by the configuration (config.ts) and
// the commands' own options (cli/numeric-option.ts), and the words --help and errors show.

export interface NumericRange {
  integer: boolean
  min: number
  /** Inclusive; Infinity when only the minimum matters. */
  max: number
}

export function rangeText(range: NumericRange): string {
  const kind = range.integer ? 'a whole number' : 'a number'
  return range.max === Infinity ? `${kind} >= ${range.min}` : `${kind} from ${range.min} to ${range.max}`
}

/** The number `raw` holds when it is one inside the range, else undefined. */
export function numberInRange(raw: unknown, range: NumericRange): number | undefined {
  if (typeof raw === 'string' && raw.trim() === '') return undefined
  const n = typeof raw === 'number' ? raw : Number(raw)
  if (!Number.isFinite(n) || (range.integer && !Number.isSafeInteger(n))) return undefined
  return n >= range.min && n <= range.max ? n : undefined
}
