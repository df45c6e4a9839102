// A saved audience (README, "Funnels", save as a tag) replaces the set of persons holding its tag:
// the persons no longer in it lose the tag, the new ones get it, the ones staying keep their
// `since`; every change carries the same reason, the request that chose the persons.
import type { TagChange } from './tag-change.ts'

export interface AudienceMember {
  personId: string
  ids: string[]
}

export function audienceChanges(
  tag: string,
  holders: ReadonlyMap<string, string[]>,
  members: readonly AudienceMember[],
  reason: Record<string, unknown>,
  now: number,
): TagChange[] {
  const keep = new Set(members.map((m) => m.personId))
  const changes: TagChange[] = []
  for (const [personId, ids] of holders) {
    if (!keep.has(personId)) changes.push({ personId, ids, tag, layer: 'funnel', change: 'removed', at: now, reason })
  }
  for (const m of members) {
    if (!holders.has(m.personId)) changes.push({ personId: m.personId, ids: m.ids, tag, layer: 'funnel', change: 'added', at: now, reason })
  }
  return changes
}
