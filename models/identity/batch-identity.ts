// What a batch of events tells the identity graph: the ids its events are keyed by, which of them
// arrived as a user id (they make their person identified), and the links it asks for.
import type { EventRow } from '../events/event-row.ts'
import { addSighting, keyIdOf, linkOf, type IdLink, type UserIdSighting } from './event-ids.ts'
import { isLinkableId } from './id-blocklist.ts'

export interface BatchIdentity {
  keyIds: string[]
  /**
   * Linkable user ids of the batch, each with the first event naming it: the user id of every event
   * but an alias (Segment userId, PostHog distinct_id of $identify).
   */
  userIds: UserIdSighting[]
  links: IdLink[]
}

/** The arguments of IdentityGraph.apply for these events: `graph.apply(keyIds, links, now, userIds)`. */
export function batchIdentityOf(rows: readonly EventRow[]): BatchIdentity {
  const keyIds = new Set<string>()
  const userIds = new Map<string, UserIdSighting>()
  const links: IdLink[] = []
  for (const row of rows) {
    const key = keyIdOf(row)
    if (key) keyIds.add(key)
    // An alias marks no id itself (identity-graph.ts): its user id is the name an id is given, and
    // marking it would make every alias chain two identified persons, refused link after link.
    if (row.type !== 'alias' && row.user_id && isLinkableId(row.user_id)) addSighting(userIds, { id: row.user_id, source: row.source, messageId: row.message_id, ts: row.ts })
    const link = linkOf(row)
    if (link) links.push(link)
  }
  return { keyIds: [...keyIds], userIds: [...userIds.values()], links }
}
