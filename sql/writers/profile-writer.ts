// Tag changes, tag states and profiles (sql/migrations/008_person_tags.sql) encoded as TabSeparated
// bodies for ClickHouse.insertTabSeparated: one string per insert and no object per row, which is
// what the profile stage's inserts cost the processor's thread as JSON rows.
import type { TagChange } from '../../models/tags/tag-change.ts'
import type { ClickHouse, TabSeparatedTarget } from '../clickhouse-client.ts'
import { tsvArray, tsvJson, tsvNullable, tsvText, tsvTime } from './tsv-fields.ts'

export interface ProfileRow {
  personId: string
  ids: string[]
  /** The feature vector as JSON text. */
  features: string
  tags: string[]
  alertsActive: string[]
  health: number | null
  computedAt: number
  nextChangeAt: number
  /** Set on the last row of a person merged into another. */
  mergedInto: string
}

type Inserter = Pick<ClickHouse, 'insertTabSeparated'>

const HISTORY: TabSeparatedTarget = { table: 'tag_history', columns: ['person_id', 'ids', 'tag', 'layer', 'change', 'at', 'reason'], fileStatement: 'insert_tag_history_from_file' }
const STATES: TabSeparatedTarget = { table: 'person_tags', columns: ['person_id', 'tag', 'layer', 'active', 'since', 'reason', 'version'], fileStatement: 'insert_person_tags_from_file' }
const PROFILES: TabSeparatedTarget = {
  table: 'person_profiles',
  columns: ['person_id', 'ids', 'features', 'tags', 'alerts_active', 'health', 'computed_at', 'next_change_at', 'merged_into', 'version'],
  fileStatement: 'insert_person_profiles_from_file',
}

async function insertLines(ch: Inserter, target: TabSeparatedTarget, lines: string): Promise<void> {
  if (lines.length > 0) await ch.insertTabSeparated(target, { bytes: Buffer.from(lines) })
}

/** Every change, with the feature values that decided it. */
export async function storeTagHistory(ch: Inserter, changes: readonly TagChange[]): Promise<void> {
  let out = ''
  for (const c of changes) out += `${tsvText(c.personId)}\t${tsvArray(c.ids)}\t${tsvText(c.tag)}\t${c.layer}\t${c.change}\t${tsvTime(c.at)}\t${tsvJson(JSON.stringify(c.reason))}\n`
  await insertLines(ch, HISTORY, out)
}

/** The states the changes lead to (person_tags: the newest version of a (tag, person) wins). */
export async function storeTagStates(ch: Inserter, changes: readonly TagChange[], version: number): Promise<void> {
  let out = ''
  for (const c of changes) {
    out += `${tsvText(c.personId)}\t${tsvText(c.tag)}\t${c.layer}\t${c.change === 'added' ? 1 : 0}\t${tsvTime(c.at)}\t${tsvJson(JSON.stringify(c.reason))}\t${version}\n`
  }
  await insertLines(ch, STATES, out)
}

export async function storeProfiles(ch: Inserter, rows: readonly ProfileRow[], version: number): Promise<void> {
  let out = ''
  for (const r of rows) {
    out += `${tsvText(r.personId)}\t${tsvArray(r.ids)}\t${tsvJson(r.features)}\t${tsvArray(r.tags)}\t${tsvArray(r.alertsActive)}\t${tsvNullable(r.health)}` +
      `\t${tsvTime(r.computedAt)}\t${tsvTime(r.nextChangeAt)}\t${tsvText(r.mergedInto)}\t${version}\n`
  }
  await insertLines(ch, PROFILES, out)
}
