// `pulse funnel … --persons dropped|converted --step K [--format table|json|csv|arrow] [--out FILE]`
// and `--save-as NAME`: the persons behind a step of a running Pulse's funnel (POST
// /api/funnels/persons, every page), printed, written to a file, or saved as the tag
// funnel_dropoff:NAME (admin key).
import { writeFileSync } from 'node:fs'
import { funnelPersonsArrow } from '../../ingest/api/funnel-persons-arrow.ts'
import { funnelPersonsCsv } from '../../ingest/api/funnel-persons-csv.ts'
import type { FunnelPerson } from '../../sql/analytics/funnel-persons-query.ts'
import type { PulseConfig } from '../config.ts'
import { readDevKeys } from '../keys/dev-keys.ts'
import { postToPulse } from './pulse-request.ts'
import { readApiTarget } from './read-api-target.ts'
import { formatTable } from './row-printing.ts'
import { userError } from './user-error.ts'

export interface FunnelPersonsFlags {
  persons?: string
  step?: string
  format?: string
  out?: string
  saveAs?: string
  url?: string
}

const FORMATS = ['table', 'json', 'csv', 'arrow']
/** The API's largest page: fewest round trips, each a walk of the whole funnel. */
const PAGE = 1000

function stepOf(flags: FunnelPersonsFlags): number {
  if (flags.step === undefined || !/^\d{1,2}$/.test(flags.step)) throw userError('--persons needs --step K: the 0-based step whose persons to list')
  return Number(flags.step)
}

export async function runFunnelPersons(body: Record<string, unknown>, flags: FunnelPersonsFlags, config: PulseConfig): Promise<void> {
  const target = readApiTarget(flags.url, config)
  const request = { ...body, status: flags.persons, step: stepOf(flags) }
  if (flags.saveAs !== undefined) {
    const adminKey = config.adminKeys[0] ?? readDevKeys(config.dataDir)?.adminKey
    if (!adminKey) throw userError('saving a tag needs an admin key: pass --admin-key KEY (or PULSE_ADMIN_KEYS, or a --keys-file)')
    const { status, body: answer } = await postToPulse<{ saved: { tag: string; persons: number; added: number; removed: number } }>(target.url, '/api/funnels/persons', adminKey, { ...request, save_as: flags.saveAs })
    if (status !== 200) throw userError(`${answer.error?.message ?? `HTTP ${status}`}: fix the request`)
    const s = answer.saved
    console.log(`saved ${s.persons} persons as tag ${s.tag} (${s.added} added, ${s.removed} removed)`)
    return
  }
  const format = flags.format ?? (flags.out ? 'csv' : 'table')
  if (!FORMATS.includes(format)) throw userError(`--format ${format} is not one of ${FORMATS.join(', ')}`)
  if (format === 'arrow' && !flags.out) throw userError('--format arrow is binary: pass --out FILE to write it')
  const persons: FunnelPerson[] = []
  let cursor: string | null = null
  do {
    const page: Record<string, unknown> = { ...request, limit: PAGE, ...(cursor ? { cursor } : {}) }
    const { status, body: answer } = await postToPulse<{ persons: FunnelPerson[]; next_cursor: string | null }>(target.url, '/api/funnels/persons', target.readKey, page)
    if (status !== 200) throw userError(`${answer.error?.message ?? `HTTP ${status}`}: fix the request`)
    persons.push(...answer.persons)
    cursor = answer.next_cursor
  } while (cursor)
  const output =
    format === 'arrow' ? funnelPersonsArrow(persons)
    : format === 'csv' ? funnelPersonsCsv(persons)
    : format === 'json' ? JSON.stringify(persons) + '\n'
    : formatTable(persons.map((p) => ({ person_id: p.person_id, ids: p.ids.join(' '), entered_at: p.entered_at }))) + '\n'
  if (!flags.out) {
    process.stdout.write(output)
    return
  }
  try {
    writeFileSync(flags.out, output)
  } catch (e) {
    throw userError(`--out ${flags.out} cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)}): pick a file in a folder you may write`)
  }
  console.log(`wrote ${persons.length} persons to ${flags.out}`)
}
