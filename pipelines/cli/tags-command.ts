// `pulse tags [<tag>] [--json]`: the tags held now with their number of customers, or every
// customer holding one tag (all pages), from a running Pulse, as a table or as JSON.
import type { FlagValues, PulseConfig } from '../config.ts'
import { getFromPulse } from './pulse-request.ts'
import { readApiTarget, type ReadApiTarget } from './read-api-target.ts'
import { formatTable } from './row-printing.ts'
import { userError } from './user-error.ts'

interface TagHolder {
  person_id: string
  ids: string[]
  since: string
}

/** The largest page the API gives. */
const PAGE_LIMIT = 1000

async function holdersOf(target: ReadApiTarget, tag: string): Promise<TagHolder[]> {
  const out: TagHolder[] = []
  let cursor: string | null = null
  do {
    const route: string = `/api/tags/${encodeURIComponent(tag)}/customers?limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const { status, body } = await getFromPulse<{ customers?: TagHolder[]; next_cursor?: string | null }>(target.url, route, target.readKey)
    if (status !== 200 || !body.customers) throw userError(body.error?.message ?? `HTTP ${status}`)
    out.push(...body.customers)
    cursor = body.next_cursor ?? null
  } while (cursor)
  return out
}

export async function runTags(tag: string | undefined, flags: FlagValues, config: PulseConfig): Promise<void> {
  const target = readApiTarget(typeof flags.url === 'string' ? flags.url : undefined, config)
  if (tag !== undefined) {
    const customers = await holdersOf(target, tag)
    if (flags.json) console.log(JSON.stringify({ tag, customers }))
    else console.log(customers.length ? formatTable(customers.map((c) => ({ person_id: c.person_id, since: c.since, ids: c.ids.join(' ') }))) : `no customer holds ${tag} now`)
    return
  }
  const { status, body } = await getFromPulse<{ tags?: Array<{ tag: string; layer: string; description: string; customers: number }> }>(target.url, '/api/tags', target.readKey)
  if (status !== 200 || !body.tags) throw userError(body.error?.message ?? `HTTP ${status}`)
  if (flags.json) console.log(JSON.stringify({ tags: body.tags }))
  else console.log(formatTable(body.tags.map((t) => ({ tag: t.tag, layer: t.layer, customers: t.customers, description: t.description }))))
}
