// Tag changes, tag states and profiles (sql/migrations/008_person_tags.sql) encoded as TabSeparated
// bodies for ClickHouse.insertTabSeparated: one string per insert and no object per row. The
// encoding is pure (the profile compute thread does it); the insert runs where the engine is.
import type { TagChange } from '../../models/tags/tag-change.ts'
import type { ClickHouse, TabSeparatedTarget } from '../clickhouse-client.ts'
import { tsvArray, tsvJson, tsvNullable, tsvText, tsvTime } from './tsv-fields.ts'

export interface ProfileRow {
  personId: string
  ids: string[]
  /** The figures other reads need of the features (sql/migrations/011_profile_figures.sql). */
  spend365d: number
  orders180d: number
  tags: string[]
  alertsActive: string[]
  health: number | null
  computedAt: number
  nextChangeAt: number
  /** Set on the last row of a person merged into another. */
  mergedInto: string
}

type Inserter = Pick<ClickHouse, 'insertTabSeparated'>

const HISTORY_TARGET: TabSeparatedTarget = { table: 'tag_history', columns: ['person_id', 'ids', 'tag', 'layer', 'change', 'at', 'reason'], fileStatement: 'insert_tag_history_from_file' }
const TAG_STATES_TARGET: TabSeparatedTarget = { table: 'person_tags', columns: ['person_id', 'tag', 'layer', 'active', 'since', 'reason', 'version'], fileStatement: 'insert_person_tags_from_file' }
const PROFILES: TabSeparatedTarget = {
  table: 'person_profiles',
  columns: ['person_id', 'ids', 'spend_365d', 'orders_180d', 'tags', 'alerts_active', 'health', 'computed_at', 'next_change_at', 'merged_into', 'version'],
  fileStatement: 'insert_person_profiles_from_file',
}

/** Which profile table an encoded body goes to. */
export type ProfileTable = 'history' | 'states' | 'profiles'

export const PROFILE_TARGETS: Record<ProfileTable, TabSeparatedTarget> = { history: HISTORY_TARGET, states: TAG_STATES_TARGET, profiles: PROFILES }

/** Inserts a body of encodeTagHistory / encodeTagStates / encodeProfiles; nothing when empty. */
export async function insertProfileRows(ch: Inserter, table: ProfileTable, lines: string): Promise<void> {
  if (lines.length > 0) await ch.insertTabSeparated(PROFILE_TARGETS[table], { bytes: Buffer.from(lines) })
}

/** Every change, with the feature values that decided it. */
export function encodeTagHistory(changes: readonly TagChange[]): string {
  let out = ''
  for (const c of changes) out += `${tsvText(c.personId)}\t${tsvArray(c.ids)}\t${tsvText(c.tag)}\t${c.layer}\t${c.change}\t${tsvTime(c.at)}\t${tsvJson(JSON.stringify(c.reason))}\n`
  return out
}

/** The states the changes lead to (person_tags: the newest version of a (tag, person) wins). */
export function encodeTagStates(changes: readonly TagChange[], version: number): string {
  let out = ''
  for (const c of changes) {
    out += `${tsvText(c.personId)}\t${tsvText(c.tag)}\t${c.layer}\t${c.change === 'added' ? 1 : 0}\t${tsvTime(c.at)}\t${tsvJson(JSON.stringify(c.reason))}\t${version}\n`
  }
  return out
}

export function encodeProfiles(rows: readonly ProfileRow[], version: number): string {
  let out = ''
  for (const r of rows) {
    out += `${tsvText(r.personId)}\t${tsvArray(r.ids)}\t${r.spend365d}\t${r.orders180d}\t${tsvArray(r.tags)}\t${tsvArray(r.alertsActive)}\t${tsvNullable(r.health)}` +
      `\t${tsvTime(r.computedAt)}\t${tsvTime(r.nextChangeAt)}\t${tsvText(r.mergedInto)}\t${version}\n`
  }
  return out
}
