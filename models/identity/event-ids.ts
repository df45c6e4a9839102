// Which ids an event belongs to, and which ids it links. Segment: identify carries userId and
// anonymousId, alias carries previousId -> userId. PostHog: $identify carries distinct_id and
// $anon_distinct_id (stored as anonymous_id), $create_alias carries distinct_id and the alias
// (stored as previous_id). Only these calls link ids; any other event only names its actor.
import type { EventRow } from '../events/event-row.ts'
import { isLinkableId } from './id-blocklist.ts'

/**
 * The id an event is keyed by: the user id when it is a real id, else the anonymous id, else the
 * PostHog distinct id; a blocklisted id only when the event has nothing better (it then keys
 * events but never links). '' when the event carries no id at all.
 */
export function keyIdOf(row: Pick<EventRow, 'user_id' | 'anonymous_id' | 'distinct_id'>): string {
  if (row.user_id && isLinkableId(row.user_id)) return row.user_id
  if (row.anonymous_id && isLinkableId(row.anonymous_id)) return row.anonymous_id
  if (row.distinct_id && isLinkableId(row.distinct_id)) return row.distinct_id
  return row.user_id || row.anonymous_id || row.distinct_id
}

export type LinkKind = 'identify' | 'alias'

/** A request to put two ids on one person, with the event that made it. */
export interface IdLink {
  kind: LinkKind
  /** The id that joins: the anonymous id of an identify, the previous id / alias of an alias. */
  fromId: string
  /** The id it joins: the identified user id (identify) or the id being aliased to (alias). */
  toId: string
  source: string
  messageId: string
  /** Event time, ms since epoch: links are applied in event order within a batch. */
  ts: number
}

/**
 * The first event of a batch that names an id as its user id (any event but an alias): from that
 * event on, in event order, the id and its person are identified.
 */
export interface UserIdSighting {
  id: string
  source: string
  messageId: string
  /** Event time, ms since epoch. */
  ts: number
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Event order within a batch: time, then source and message id, so every processor orders alike. */
export const inEventOrder = (a: Pick<IdLink, 'ts' | 'source' | 'messageId'>, b: Pick<IdLink, 'ts' | 'source' | 'messageId'>): number =>
  a.ts - b.ts || compareText(a.source, b.source) || compareText(a.messageId, b.messageId)

/** Keeps the earliest sighting (event order) of each id. */
export function addSighting(first: Map<string, UserIdSighting>, sighting: UserIdSighting): void {
  const known = first.get(sighting.id)
  if (!known || inEventOrder(sighting, known) < 0) first.set(sighting.id, sighting)
}

/** The link an identify / alias event asks for, or null (other events, or an id missing). */
export function linkOf(row: EventRow): IdLink | null {
  const base = { source: row.source, messageId: row.message_id, ts: row.ts }
  if (row.type === 'identify' && row.user_id && row.anonymous_id && row.user_id !== row.anonymous_id) {
    return { kind: 'identify', fromId: row.anonymous_id, toId: row.user_id, ...base }
  }
  if (row.type === 'alias') {
    const toId = row.user_id || row.distinct_id
    if (row.previous_id && toId && row.previous_id !== toId) return { kind: 'alias', fromId: row.previous_id, toId, ...base }
  }
  return null
}
