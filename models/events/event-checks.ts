// Limits on what an event stores (its properties, traits and context), checked before it is
// stored: Segment caps an event at 32 KB, and every reader downstream assumes bounded depth.
// Measuring the stored JSON texts, which are built anyway, avoids serialising each event twice.
import { rejected, type EventOutcome } from './event-row.ts'
import { jsonTextDepth, MAX_DEPTH, mayNestDeeperThan } from './json-limits.ts'

export interface EventLimits {
  maxEventBytes: number
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
  for (const t of texts) {
    if (mayNestDeeperThan(t) && jsonTextDepth(t) > MAX_DEPTH) {
      return rejected('too_deeply_nested', `event nests objects/arrays more than ${MAX_DEPTH} levels deep: flatten its properties`, messageId)
    }
  }
  return null
}
