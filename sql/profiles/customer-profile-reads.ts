// One customer as the profile API shows it: the person an id belongs to, its ids, its features
// and health counted as of now, active tags, current scores and latest events. Reads only; the
// profile stage writes these tables.
import type { ClickHouseClient } from '@clickhouse/client'
import { keyIdOf } from '../../models/identity/event-ids.ts'
import type { PersonFeatures } from '../../models/tags/person-features.ts'
import { namedQuery } from '../named-query.ts'
import { readPersonFeatures } from './person-features-reader.ts'

export interface CustomerTag {
  tag: string
  layer: string
  since: string
  reason: Record<string, unknown>
}

export interface TimelineEvent {
  event: string
  type: string
  ts: string
  properties: Record<string, unknown>
}

export interface CustomerProfile {
  person_id: string
  ids: string[]
  traits: PersonFeatures['traits']
  features: Omit<PersonFeatures, 'personId' | 'ids' | 'traits'>
  tags: CustomerTag[]
  scores: Record<string, unknown>
  health: number | null
  timeline: TimelineEvent[]
}

/** Events shown per customer, newest first. */
const TIMELINE_LENGTH = 50
/** Candidate events read per round while filling the timeline. */
const CANDIDATES_PER_READ = 200

const isoOf = (ms: number) => new Date(Number(ms)).toISOString()

/** JSON text as an object; anything else (older rows, a bad write) as an empty one, so one row cannot fail a lookup. */
function objectOf(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** The person id of `id` (a user, anonymous or distinct id, or a person id), or null when unknown. */
export async function personOf(client: ClickHouseClient, id: string): Promise<string | null> {
  const [row] = await namedQuery<{ person_id: string }>(client, 'person_of_id', { id })
  return row?.person_id ?? null
}

/**
 * The latest events keyed by one of `ids`: an event that names an id but is keyed by another
 * person's (a shared device's anonymous id after someone else signed in) is not this person's.
 */
async function timelineOf(client: ClickHouseClient, ids: string[]): Promise<TimelineEvent[]> {
  if (ids.length === 0) return []
  const own = new Set(ids)
  const out: TimelineEvent[] = []
  for (let offset = 0; out.length < TIMELINE_LENGTH; offset += CANDIDATES_PER_READ) {
    const rows = await namedQuery<{ event: string; type: string; ts: number; properties: string; user_id: string; anonymous_id: string; distinct_id: string }>(
      client, 'person_timeline_candidates', { ids, limit: CANDIDATES_PER_READ, offset },
    )
    for (const r of rows) {
      if (out.length < TIMELINE_LENGTH && own.has(keyIdOf(r))) out.push({ event: r.event, type: r.type, ts: isoOf(r.ts), properties: objectOf(r.properties) })
    }
    if (rows.length < CANDIDATES_PER_READ) break
  }
  return out
}

/** How the features and the health score are counted when a profile is read: as of `now`. */
export interface LiveFeatures {
  now: number
  /** Complaint deadlines by lower-case severity (the profiles config's tags.sla). */
  deadlines: Readonly<Record<string, number>>
  health(features: PersonFeatures): number | null
}

export async function readCustomerProfile(client: ClickHouseClient, personId: string, live: LiveFeatures): Promise<CustomerProfile> {
  const person = { person: personId }
  const [known, [profile], tags, [scores]] = await Promise.all([
    namedQuery<{ id: string }>(client, 'person_known_ids', person),
    namedQuery<{ ids: string[]; health: number | null; computed_at: number }>(client, 'person_profile', person),
    namedQuery<{ tag: string; layer: string; since: number; reason: string }>(client, 'person_active_tags', person),
    namedQuery<Record<string, unknown> & { fitted_at: number }>(client, 'person_current_scores', person),
  ])
  // The identity table is the truth about ids; a profile's list is what they were when it was computed.
  const ids = known.length ? known.map((r) => r.id) : (profile?.ids ?? [])
  // Counted now from the facts rather than stored with each recompute: current to the moment.
  const [counted] = await readPersonFeatures(client, [{ personId, ids }], live.now, live.deadlines)
  const { traits, personId: _person, ids: _ids, ...features } = counted
  return {
    person_id: personId,
    ids,
    traits,
    features,
    tags: tags.map((t) => ({ tag: t.tag, layer: t.layer, since: isoOf(t.since), reason: objectOf(t.reason) })),
    scores: scores ? { ...scores, fitted_at: isoOf(scores.fitted_at) } : {},
    health: profile ? live.health(counted) : null,
    timeline: await timelineOf(client, ids),
  }
}
