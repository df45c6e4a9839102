// The ids and links of a stored batch for the profile stage: the union of its messages'.
import { addSighting, type IdLink, type UserIdSighting } from '../../models/identity/event-ids.ts'
import type { ProcessedMessage } from './processing-pool.ts'
import type { BatchIds } from './profile-stage.ts'

export function batchIdsOf(results: ReadonlyArray<ProcessedMessage | null>): BatchIds {
  const keyIds = new Set<string>()
  const userIds = new Map<string, UserIdSighting>()
  const links: IdLink[] = []
  for (const r of results) {
    if (!r) continue
    for (const id of r.keyIds) keyIds.add(id)
    for (const sighting of r.userIds) addSighting(userIds, sighting)
    links.push(...r.links)
  }
  return { keyIds: [...keyIds], userIds: [...userIds.values()], links }
}
