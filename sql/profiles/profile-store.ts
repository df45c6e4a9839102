// Reads and writes of the profile tables (008_person_tags.sql): each person's stored tag set,
// value scores and thresholds, persons due for the sweep, alerts; the profile stage's large inserts are in sql/writers/profile-writer.ts.
import type { ClickHouseClient } from '@clickhouse/client'
import type { Alert } from '../../models/tags/tag-change.ts'
import { engineTimeText } from '../engine-time-text.ts'
import { insertJsonRows } from '../json-rows-insert.ts'
import { namedQuery } from '../named-query.ts'

export interface StoredProfileState {
  personId: string
  tags: string[]
  alertsActive: string[]
  /** The version the state was stored with (tag changes are keyed by the state they replace). */
  version: number
}

export async function readProfileStates(client: ClickHouseClient, persons: string[]): Promise<Map<string, StoredProfileState>> {
  const out = new Map<string, StoredProfileState>()
  if (persons.length === 0) return out
  const rows = await namedQuery<{ person_id: string; tags: string[]; alerts_active: string[]; version: number }>(client, 'person_profiles_of', { persons })
  for (const r of rows) out.set(r.person_id, { personId: r.person_id, tags: r.tags, alertsActive: r.alerts_active, version: Number(r.version) })
  return out
}

/** A person's figures of the latest converged fit: CLV, tier, and the churn band of the churn fit that followed. */
export interface PersonValue {
  clv: number | null
  tier: string | null
  churnBand: string | null
}

export async function readPersonValues(client: ClickHouseClient, persons: string[]): Promise<Map<string, PersonValue>> {
  const out = new Map<string, PersonValue>()
  if (persons.length === 0) return out
  for (const r of await namedQuery<{ person_id: string; clv: number | null; tier: string; churn_band: string | null }>(client, 'person_values', { persons })) {
    out.set(r.person_id, { clv: r.clv, tier: r.tier || null, churnBand: r.churn_band || null })
  }
  return out
}

export interface ValueThresholds {
  clv: number | null
  spend365: number | null
  /** Whether a converged fit has stored scores (CLV, tier) at all. */
  scored?: boolean
  /** The latest converged fit's model version: a new one brings new tiers and churn bands. */
  version?: string | null
}

/** The top-20% lines of the high_value tag (`share` = 0.2). */
export async function readValueThresholds(client: ClickHouseClient, share: number): Promise<ValueThresholds> {
  const [r] = await namedQuery<{ scored: number; model_version: string | null; clv_threshold: number | null; spend365_threshold: number | null }>(client, 'value_thresholds', { quantile: 1 - share })
  return { clv: r?.clv_threshold ?? null, spend365: r?.spend365_threshold ?? null, scored: Number(r?.scored) === 1, version: r?.model_version || null }
}

export async function personsDueForSweep(client: ClickHouseClient, now: number): Promise<string[]> {
  return (await namedQuery<{ person_id: string }>(client, 'persons_due_for_sweep', { now: engineTimeText(now) })).map((r) => r.person_id)
}

export async function personsPage(client: ClickHouseClient, after: string, limit: number): Promise<string[]> {
  return (await namedQuery<{ person_id: string }>(client, 'persons_page', { after, limit })).map((r) => r.person_id)
}

export async function storeAlerts(client: ClickHouseClient, alerts: Alert[]): Promise<void> {
  await insertJsonRows(client, 'alerts', alerts.map((a) => ({ kind: a.kind, person_id: a.personId, ids: a.ids, at: engineTimeText(a.at), message: a.message, reason: JSON.stringify(a.reason) })))
}
