// Limits on what an event stores (its properties, traits and context, its times and amounts),
// checked before it is stored: Segment caps an event at 32 KB, every reader downstream assumes
// bounded depth, and a value a column cannot hold would fail the insert of the whole batch.
// Measuring the stored JSON texts, which are built anyway, avoids serialising each event twice.
import { rejected, type EventOutcome } from './event-row.ts'
import { describeTime, isStorableTime } from './event-time.ts'
import { jsonText } from './field-coercion.ts'
import { jsonTextDepth, MAX_DEPTH, mayNestDeeperThan } from './json-limits.ts'

export interface EventLimits {
  maxEventBytes: number
  /** Set when the whole request is known to nest at most MAX_DEPTH levels: no event can be deeper. */
  withinDepth?: boolean
}

function tooDeep(messageId: string): EventOutcome {
  return rejected('too_deeply_nested', `event nests objects/arrays more than ${MAX_DEPTH} levels deep: flatten its properties`, messageId)
}

/** A rejection, or null when the stored JSON texts of the event are within the limits. */
export function checkLimits(texts: string[], limits: EventLimits, messageId: string): EventOutcome | null {
  let chars = 0
  for (const t of texts) chars += t.length
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only near the limit is the exact count needed.
  const bytes = chars * 3 <= limits.maxEventBytes ? chars : texts.reduce((n, t) => n + Buffer.byteLength(t), 0)
  if (bytes > limits.maxEventBytes) {
    return rejected(
      'event_too_large',
      `event is ${bytes} bytes, over the ${limits.maxEventBytes}-byte limit per event: send large data as several events or raise --max-event-bytes`,
      messageId,
    )
  }
  if (limits.withinDepth) return null
  for (const t of texts) {
    if (mayNestDeeperThan(t) && jsonTextDepth(t) > MAX_DEPTH) return tooDeep(messageId)
  }
  return null
}

/** The stored JSON texts of `values` when they are within the limits, else the rejection. */
export function eventJsonTexts(values: unknown[], limits: EventLimits, messageId: string): string[] | EventOutcome {
  const texts: string[] = []
  for (const v of values) {
    const text = jsonText(v)
    if (text === null) return tooDeep(messageId)
    texts.push(text)
  }
  return checkLimits(texts, limits, messageId) ?? texts
}

/** A rejection when a time the row stores lies outside what the events table holds. */
export function checkTimes(times: Array<[what: string, ms: number | null]>, messageId: string): EventOutcome | null {
  for (const [what, ms] of times) {
    if (ms !== null && !isStorableTime(ms)) {
      return rejected(
        'invalid_timestamp',
        `${what} is ${describeTime(ms)}, outside the times an event can have (1900-01-01 to 2299-12-31 UTC): send the time the event happened, in ISO-8601 (e.g. 2026-01-31T12:00:00Z) or epoch milliseconds`,
        messageId,
      )
    }
  }
  return null
}

/** A rejection when an amount is a number the revenue column (Nullable(Float64)) cannot hold as a finite value. */
export function checkAmount(what: string, value: number | null, raw: unknown, messageId: string): EventOutcome | null {
  if (value === null || !Number.isNaN(value)) return null
  return rejected('invalid_revenue', `${what} ${JSON.stringify(String(raw))} is not a finite number: send the amount as a decimal number, e.g. 19.99`, messageId)
}
