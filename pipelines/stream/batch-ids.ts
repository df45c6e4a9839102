// The ids and links of a stored batch for the profile stage: the union of its messages'.
import type { IdLink } from '../../models/identity/event-ids.ts'
import type { ProcessedMessage } from './processing-pool.ts'
import type { BatchIds } from './profile-stage.ts'

export function batchIdsOf(results: ReadonlyArray<ProcessedMessage | null>): BatchIds {
  const keyIds = new Set<string>()
  const userIds = new Set<string>()
  const links: IdLink[] = []
  for (const r of results) {
    if (!r) continue
    for (const id of r.keyIds) keyIds.add(id)
    for (const id of r.userIds) userIds.add(id)
    links.push(...r.links)
  }
  return { keyIds: [...keyIds], userIds: [...userIds], links }
}
