// Reads persons' rolling features (models/tags/person-features.ts) as of a given `now`: one query
// finds the facts of all their ids in the feature rollup (sql/migrations/007_feature_rollups.sql),
// and models/tags/features-from-facts.ts counts the windows. The two halves are apart so that the
// parsing and counting can run on another thread than the engine call.
import type { ClickHouseClient } from '@clickhouse/client'
import type { PersonFeatures } from '../../models/tags/person-features.ts'
import { COMPLAINT_DEADLINES_MS, featuresOfPersons, type RolledFact } from '../../models/tags/features-from-facts.ts'
import { namedQuery } from '../named-query.ts'
import { query } from '../sql-files.ts'

/** A row of sql/queries/person_facts.sql, in its column order. */
type FactRow = [
  id: string, h: string, ts: number, receivedAt: number, activity: number, login: number, order: number, amount: number, coupon: number,
  category: string, channel: string, complaint: '' | 'filed' | 'resolved', complaintId: string, severity: string, enquiry: number,
  topic: string, nps: number | null, region: string, ageBand: string, plan: string,
]

function factOf(r: FactRow): RolledFact {
  return {
    h: r[1], ts: Number(r[2]), receivedAt: Number(r[3]), activity: r[4] === 1, login: r[5] === 1, order: r[6] === 1, amount: r[7], coupon: r[8] === 1,
    category: r[9], channel: r[10], complaint: r[11], complaintId: r[12], severity: r[13], enquiry: r[14] === 1, topic: r[15], nps: r[16],
    region: r[17], ageBand: r[18], plan: r[19],
  }
}

/** Every stored fact of the ids, as the engine's JSONCompact text (parsed by featuresOfFactsText, which drops those after its now). */
export async function readFactsText(client: ClickHouseClient, ids: readonly string[]): Promise<string> {
  if (ids.length === 0) return ''
  // One JSON document rather than a line per fact: about half the parsing time for large answers.
  const result = await client.query({
    query: query('person_facts'),
    query_params: { ids },
    format: 'JSONCompact',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  })
  return result.text()
}

/**
 * The features of each person as of `now` (ms) from readFactsText's answer for all their ids, in
 * the order given. A person with no fact up to `now` gets empty features.
 */
export function featuresOfFactsText(
  text: string,
  persons: ReadonlyArray<{ personId: string; ids: string[] }>,
  now: number,
  deadlines: Readonly<Record<string, number>> = COMPLAINT_DEADLINES_MS,
): PersonFeatures[] {
  const data = text === '' ? [] : (JSON.parse(text) as { data: FactRow[] }).data
  const factsOfId = new Map<string, RolledFact[]>()
  for (const r of data) {
    const list = factsOfId.get(r[0])
    if (list) list.push(factOf(r))
    else factsOfId.set(r[0], [factOf(r)])
  }
  return featuresOfPersons(factsOfId, persons, now, deadlines)
}

/** The features of each person as of `now` (ms), from the facts of all its ids, in the order given. */
export async function readPersonFeatures(
  client: ClickHouseClient,
  persons: Array<{ personId: string; ids: string[] }>,
  now: number,
  /** By lower-case severity; other severities get `normal` (the profiles config's tags.sla). */
  deadlines: Readonly<Record<string, number>> = COMPLAINT_DEADLINES_MS,
): Promise<PersonFeatures[]> {
  if (persons.length === 0) return []
  return featuresOfFactsText(await readFactsText(client, persons.flatMap((p) => p.ids)), persons, now, deadlines)
}

/** The ids with any fact in (from, to] (ms): persons whose windows slide past an event between two sweeps. */
export async function personsActiveBetween(client: ClickHouseClient, from: number, to: number): Promise<string[]> {
  const rows = await namedQuery<{ id: string }>(client, 'persons_active_between', { from: Math.round(from), to: Math.round(to) })
  return rows.map((r) => r.id)
}
