// fast-check generators of hostile event input, shared by the fuzz and round-trip tests: text
// with every character TabSeparated, JSON and UTF-8 treat specially, and loose values of any type
// (far times, non-finite numbers, numeric strings) in every field an event has.
import fc from 'fast-check'
import { EVENT_TYPES } from '../../models/events/event-row.ts'

const SPECIAL = ['\0', '\t', '\n', '\r', '\\', '\\N', "'", '"', '\ud800', '\udfff', '😀', 'é', '\u2028', '\x7f', '[', ']', ',', '{', '}']

export const text = fc.string({ unit: fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 24 })

export const looseValue = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, Infinity, -Infinity, NaN, -0, 1e20, -1e15, '1e400', 'NaN', '-Infinity', '', ' 12.5 ', '0x1F'),
  fc.constantFrom('2999-01-01T00:00:00Z', '1850-06-01T00:00:00Z', '1969-07-20T20:17:40.5Z', '2026-01-01T00:00:00', '2026-02-30T00:00:00Z', '+275760-09-13T00:00:00Z'),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
)

export const segmentEvent = fc.record(
  {
    type: fc.constantFrom(...EVENT_TYPES, 'nope'), event: looseValue, userId: looseValue, anonymousId: looseValue, messageId: fc.oneof(text, fc.constant(null)),
    groupId: looseValue, previousId: looseValue, timestamp: looseValue, originalTimestamp: looseValue, sentAt: looseValue,
    properties: fc.record({ revenue: looseValue, total: looseValue, currency: looseValue, url: looseValue, extra: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] }),
    traits: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    context: fc.record({ ip: looseValue, library: fc.record({ name: looseValue, version: looseValue }, { requiredKeys: [] }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
)

export const posthogEvent = fc.record(
  {
    event: looseValue, distinct_id: looseValue, uuid: fc.oneof(fc.uuid(), text), timestamp: looseValue, offset: looseValue,
    properties: fc.record({ $revenue: looseValue, revenue: looseValue, $current_url: looseValue, $set: fc.jsonValue({ maxDepth: 2 }), distinct_id: looseValue }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
)

/** A value nested `depth` levels deep, built without recursion. */
export function nested(depth: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v }
  return v
}
