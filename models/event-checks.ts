// Checks common to every wire format, run on the raw event before it is normalised.
import { rejected, type EventOutcome } from './event-row.ts'
import { jsonDepth, MAX_DEPTH } from './json-limits.ts'

export interface EventLimits {
  maxEventBytes: number
}

/** Returns a rejection, or null when the event is within the limits. */
export function checkLimits(raw: unknown, rawText: string, limits: EventLimits, messageId: string): EventOutcome | null {
  const bytes = Buffer.byteLength(rawText)
  if (bytes > limits.maxEventBytes) {
    return rejected(
      'event_too_large',
      `event is ${bytes} bytes, over the ${limits.maxEventBytes}-byte limit per event: send large data as several events or raise --max-event-bytes`,
      messageId,
    )
  }
  if (jsonDepth(raw) > MAX_DEPTH) {
    return rejected('too_deeply_nested', `event nests objects/arrays more than ${MAX_DEPTH} levels deep: flatten its properties`, messageId)
  }
  return null
}
