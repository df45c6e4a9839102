// Saves the persons of a funnel step (listed by the route on the read session) as a tag (README,
// "Funnels", save as a tag): the tag's holders are replaced in person_tags with a tag_history row
// per change, and each change is published on pulse.tags.<tag>.added / .removed like the profile
// system's. Saves run one at a time, so two saves of one tag cannot interleave.
import type { ClickHouseClient } from '@clickhouse/client'
import type { SavedAudience } from '../../ingest/api/funnel-persons-routes.ts'
import type { FunnelPersonsRequest } from '../../models/analytics/funnel-persons-request.ts'
import { audienceChanges } from '../../models/tags/audience-changes.ts'
import type { ClickHouse } from '../../sql/clickhouse-client.ts'
import { idsOfPersons, type FunnelPerson } from '../../sql/analytics/funnel-persons-query.ts'
import { namedQuery } from '../../sql/named-query.ts'
import { encodeTagHistory, encodeTagStates, insertProfileRows } from '../../sql/writers/profile-writer.ts'
import type { ChangePublisher } from '../stream/change-publisher.ts'
import { nextStateVersion } from '../stream/state-version.ts'

export interface FunnelAudienceDeps {
  /** Pulse's own session: the tag tables. */
  client: ClickHouseClient
  insert: Pick<ClickHouse, 'insertTabSeparated'>
  changes: ChangePublisher
  /** Fault injection (--fault-fail-tag-state-stores): throws to fail the store of the states. */
  beforeStateStore?: () => void
}

export class FunnelAudiences {
  private last: Promise<unknown> = Promise.resolve()

  constructor(private readonly deps: FunnelAudienceDeps) {}

  save(tag: string, request: FunnelPersonsRequest, members: FunnelPerson[], nowMs: number): Promise<SavedAudience> {
    const run = this.last.then(() => this.replace(tag, request, members, nowMs))
    this.last = run.catch(() => {})
    return run
  }

  private async replace(tag: string, request: FunnelPersonsRequest, members: FunnelPerson[], nowMs: number): Promise<SavedAudience> {
    const { deps } = this
    const states = await namedQuery<{ person_id: string; active: number; version: string | number }>(deps.client, 'tag_states_of_tag', { tag })
    const held = states.filter((s) => Number(s.active) === 1).map((s) => s.person_id)
    const stateVersion = new Map(states.map((s) => [s.person_id, Number(s.version)]))
    const heldIds = await idsOfPersons(deps.client, held)
    const holders = new Map(held.map((p) => [p, heldIds.get(p) ?? []]))
    const f = request.funnel
    const reason = {
      funnel: f.steps.map((s) => s.event),
      status: request.status,
      step: request.step,
      from: new Date(f.fromMs).toISOString(),
      to: new Date(f.toMs).toISOString(),
      window_seconds: f.windowMs / 1000,
    }
    const version = nextStateVersion()
    // Keyed by the stored state each change replaces and by the request: the same save sent again
    // after it failed before storing its states publishes the same message ids (the stream keeps
    // them once); a later save repeating a change replaces another state, and another request
    // after a failed save decides with other reasons: each is a message of its own.
    const decidedBy = JSON.stringify({ funnel: request.funnel, status: request.status, step: request.step })
    const changes = audienceChanges(tag, holders, members.map((m) => ({ personId: m.person_id, ids: m.ids })), reason, nowMs).map((c) => ({ ...c, basis: stateVersion.get(c.personId) ?? 0, decidedBy }))
    // As the profile system stores: history, then publishing, then the states.
    await insertProfileRows(deps.insert, 'history', encodeTagHistory(changes))
    await deps.changes.publishTagChanges(changes)
    deps.beforeStateStore?.()
    await insertProfileRows(deps.insert, 'states', encodeTagStates(changes, version))
    const added = changes.filter((c) => c.change === 'added').length
    return { tag, persons: members.length, added, removed: changes.length - added }
  }
}
