// `pulse customer <id> [--json]`: one customer of a running Pulse by any of its ids or its person
// id: ids, traits, health, tags, scores, features and latest events, as tables or as JSON.
import type { FlagValues, PulseConfig } from '../config.ts'
import { getFromPulse } from './pulse-request.ts'
import { readApiTarget } from './read-api-target.ts'
import { formatTable, printable } from './row-printing.ts'
import { userError } from './user-error.ts'

interface Customer {
  person_id: string
  ids: string[]
  traits: Record<string, unknown>
  features: Record<string, unknown>
  tags: Array<{ tag: string; layer: string; since: string; reason: Record<string, unknown> }>
  scores: Record<string, unknown>
  health: number | null
  timeline: Array<{ event: string; type: string; ts: string; properties: Record<string, unknown> }>
}

const pairs = (o: Record<string, unknown>) => Object.entries(o).map(([name, value]) => ({ name, value }))

function printCustomer(c: Customer): void {
  const section = (title: string, rows: Record<string, unknown>[]) => console.log(`\n${title}\n${formatTable(rows)}`)
  console.log(printable(`person ${c.person_id}   health ${c.health ?? 'n/a'}`))
  console.log(printable(`ids: ${c.ids.join(', ')}`))
  section('traits', pairs(c.traits))
  section('tags', c.tags.map((t) => ({ tag: t.tag, layer: t.layer, since: t.since, reason: t.reason })))
  section('scores', pairs(c.scores))
  section('features', pairs(c.features))
  section(`latest events (${c.timeline.length}, newest first)`, c.timeline.map((e) => ({ ts: e.ts, event: e.event, type: e.type, properties: e.properties })))
}

export async function runCustomer(id: string, flags: FlagValues, config: PulseConfig): Promise<void> {
  const { url, readKey } = readApiTarget(typeof flags.url === 'string' ? flags.url : undefined, config)
  const { status, body } = await getFromPulse<{ customer?: Customer }>(url, `/api/customers/${encodeURIComponent(id)}`, readKey)
  if (status !== 200 || !body.customer) throw userError(body.error?.message ?? `HTTP ${status}`)
  if (flags.json) console.log(JSON.stringify(body.customer))
  else printCustomer(body.customer)
}
