// The persons behind a funnel's counts (README, "Funnels", persons): the same walk as the counts
// (sql/queries/funnel.sql) keeping one row per person, a page at a time in person id order.
import type { ClickHouseClient } from '@clickhouse/client'
import type { FunnelRequest } from '../../models/analytics/funnel-request.ts'
import { namedQuery } from '../named-query.ts'
import { funnelRows } from './funnel-query.ts'

export type FunnelPersonStatus = 'dropped' | 'converted'

export interface FunnelPersonsPage {
  status: FunnelPersonStatus
  /** 0-based. dropped: furthest step exactly this one; converted: this one or further. */
  step: number
  /** Person ids after this one ('' from the start). */
  after: string
  limit: number
}

export interface FunnelPerson {
  person_id: string
  /** The person's ids, sorted: from the identity table, else the ids its events came with. */
  ids: string[]
  /** The entry of the path the counts measure (ISO-8601 UTC). */
  entered_at: string
}

interface PersonRow {
  is_total: number
  person_id: string
  path_entry_ms: number
  ids_seen: string[]
}

/** Bound as one array per query: a saved audience may hold a great many persons. */
const IDS_CHUNK = 5000

/** The ids the identity table puts on each of `persons` (none for a person it does not know). */
export async function idsOfPersons(client: ClickHouseClient, persons: readonly string[]): Promise<Map<string, string[]>> {
  const idsOf = new Map<string, string[]>()
  for (let i = 0; i < persons.length; i += IDS_CHUNK) {
    const known = await namedQuery<{ person_id: string; ids: string[] }>(client, 'ids_of_persons', { persons: persons.slice(i, i + IDS_CHUNK) })
    for (const k of known) idsOf.set(k.person_id, k.ids)
  }
  return idsOf
}

export async function runFunnelPersons(client: ClickHouseClient, request: FunnelRequest, page: FunnelPersonsPage): Promise<FunnelPerson[]> {
  // A breakdown value per person is not part of this answer: leave it out of the walk.
  const plain = { ...request, breakdown: null }
  const rows = await funnelRows<PersonRow>(client, plain, { persons: page })
  const idsOf = await idsOfPersons(client, rows.map((r) => r.person_id))
  return rows.map((r) => ({
    person_id: r.person_id,
    ids: idsOf.get(r.person_id) ?? r.ids_seen,
    entered_at: new Date(Number(r.path_entry_ms)).toISOString(),
  }))
}
