// A batch's facts as the processor inserts them (sql/writers/feature-facts-writer.ts factLines),
// read back into the rollup's fact shape without the engine: a person a profile run has just
// created has no fact but its batch's, so its features come from these lines instead of a facts
// read (README, Rolling features), with the same values the engine would file
// (sql/migrations/007_feature_rollups.sql reads the same detail array).
import type { PersonFeatures } from '../../models/tags/person-features.ts'
import { COMPLAINT_DEADLINES_MS, featuresOfPersons, type RolledFact } from '../../models/tags/features-from-facts.ts'
import { unescapedField } from '../writers/feature-facts-writer.ts'


/** The detail column: [amount, category, channel, complaint, complaint id, severity, topic, nps, region, age band, plan]. */
type Detail = [number | null, string, string, '' | 'filed' | 'resolved', string, string, string, number | null, string, string, string]
const NO_DETAIL: Detail = [0, '', '', '', '', '', '', null, '', '', '']

function factOfLine(f: string[]): RolledFact {
  const flags = Number(f[5])
  const d = f[6] === '' ? NO_DETAIL : (JSON.parse(unescapedField(f[6])) as Detail)
  return {
    h: '', source: unescapedField(f[0]), messageId: unescapedField(f[1]), ts: Number(f[3]), receivedAt: Number(f[4]),
    activity: (flags & 1) !== 0, login: (flags & 2) !== 0, order: (flags & 4) !== 0, coupon: (flags & 8) !== 0, enquiry: (flags & 16) !== 0,
    // JSON has no NaN or infinity: the writer wrote null, which the engine files as 0.
    amount: d[0] ?? 0, category: d[1], channel: d[2], complaint: d[3], complaintId: d[4], severity: d[5], topic: d[6], nps: d[7], region: d[8], ageBand: d[9], plan: d[10],
  }
}

/** The facts of the given key ids among the lines, by key id. */
export function batchFactsOfIds(lines: string, keyIds: ReadonlySet<string>): Map<string, RolledFact[]> {
  const out = new Map<string, RolledFact[]>()
  if (keyIds.size === 0) return out
  for (const line of lines.split('\n')) {
    if (line === '') continue
    const f = line.split('\t')
    const keyId = unescapedField(f[2])
    if (!keyIds.has(keyId)) continue
    const list = out.get(keyId)
    if (list) list.push(factOfLine(f))
    else out.set(keyId, [factOfLine(f)])
  }
  return out
}

/** The features of each person as of `now` (ms) from the batch's fact lines alone, in the order given. */
export function featuresOfBatchFacts(
  lines: string,
  persons: ReadonlyArray<{ personId: string; ids: string[] }>,
  now: number,
  deadlines: Readonly<Record<string, number>> = COMPLAINT_DEADLINES_MS,
): PersonFeatures[] {
  return featuresOfPersons(batchFactsOfIds(lines, new Set(persons.flatMap((p) => p.ids))), persons, now, deadlines)
}
