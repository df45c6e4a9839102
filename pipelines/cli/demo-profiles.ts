// The demo's customer picture: tags counted by layer, a few persons' profiles, and the tags Pulse
// gave beside the simulator's truth where the truth defines them (its price-sensitive customers,
// and the customers whose churn day has passed).
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { CustomerTruth } from '../../models/simulation/customer-truth.ts'
import type { SimulationParams } from '../../models/simulation/simulation-params.ts'
import { namedQuery } from '../../sql/named-query.ts'
import { readHeldTags } from '../../sql/profiles/tag-holder-reads.ts'
import type { RunningPulse } from '../pulse-app.ts'
import { formatTable } from './row-printing.ts'

async function readTruth(file: string): Promise<CustomerTruth[]> {
  const out: CustomerTruth[] = []
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const row = JSON.parse(line) as CustomerTruth | { params: unknown }
    if (!('params' in row)) out.push(row)
  }
  return out
}

interface Agreement {
  question: string
  compared: number
  'truth yes, tagged': number
  'truth yes, not tagged': number
  'truth no, tagged': number
  'truth no, not tagged': number
  agreement: string
}

function agreement(question: string, pairs: Array<[truth: boolean, tagged: boolean]>): Agreement {
  const n = (t: boolean, g: boolean) => pairs.filter(([a, b]) => a === t && b === g).length
  const same = n(true, true) + n(false, false)
  return {
    question, compared: pairs.length, 'truth yes, tagged': n(true, true), 'truth yes, not tagged': n(true, false), 'truth no, tagged': n(false, true),
    'truth no, not tagged': n(false, false), agreement: pairs.length ? `${((100 * same) / pairs.length).toFixed(1)}%` : 'n/a',
  }
}

async function tagsOfTruth(pulse: RunningPulse, truth: CustomerTruth[]): Promise<Map<number, { tags: string[]; orders180d: number }>> {
  const byId = new Map<string, number>()
  for (const t of truth) byId.set(t.userId ?? t.anonymousId, t.index)
  const out = new Map<number, { tags: string[]; orders180d: number }>()
  const ids = [...byId.keys()]
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await namedQuery<{ id: string; tags: string[]; orders_180d: number }>(pulse.clickhouse.client, 'profile_tags_of_ids', { ids: ids.slice(i, i + 5000) })
    for (const r of rows) out.set(byId.get(r.id)!, { tags: r.tags, orders180d: Number(r.orders_180d) })
  }
  return out
}

export async function showProfiles(pulse: RunningPulse, truthFile: string, params: SimulationParams): Promise<void> {
  const held = await readHeldTags(pulse.clickhouse.client)
  console.log('\nPersons per tag (GET /api/tags):\n' + formatTable(held.map((t) => ({ tag: t.tag, layer: t.layer, persons: t.customers }))))
  const showcase = await namedQuery<{ person_id: string; ids: string[]; tags: string[]; health: number | null }>(pulse.clickhouse.client, 'profiles_with_most_tags', { limit: 3 })
  console.log('\nA few profiles (GET /api/customers/<any id>, or `npx pulse customer <id>`):')
  for (const p of showcase) console.log(`  ${p.person_id}  ids ${p.ids.join(', ')}  health ${p.health ?? 'n/a'}\n    ${p.tags.join('  ')}`)

  const truth = await readTruth(truthFile)
  const tagged = await tagsOfTruth(pulse, truth)
  const has = (i: number, tag: string) => tagged.get(i)?.tags.includes(tag) ?? false
  // price_sensitive needs 3 orders in 180 days: compared where the rule can apply.
  const priceRows = truth.filter((t) => (tagged.get(t.index)?.orders180d ?? 0) >= 3).map((t): [boolean, boolean] => [t.priceSensitive, has(t.index, 'price_sensitive')])
  // Churn: the simulator's churn day lies 30 days or more before the end (churn_risk's rule), among people who ever signed up.
  const churnRows = truth
    .filter((t) => t.signupDay !== null && tagged.has(t.index))
    .map((t): [boolean, boolean] => [t.churnDay !== null && t.churnDay <= params.days - 30, has(t.index, 'churn_risk') || has(t.index, 'lifecycle:churned')])
  console.log(
    '\nTags beside the simulator\'s truth (where the truth defines them):\n' +
      formatTable([
        agreement('price-sensitive (persons with 3+ orders in 180 days)', priceRows),
        agreement('churned 30+ days before the end (churn_risk or churned)', churnRows),
      ] as unknown as Record<string, unknown>[]),
  )
}
