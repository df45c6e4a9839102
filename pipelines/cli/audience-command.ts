// `pulse audience create --file DEF.json | list | members NAME [--format …] [--out FILE] |
// changes NAME [--since CURSOR] | delete NAME`: saved audiences of a running Pulse (README,
// "Audiences"). Creating and deleting need an admin key, the rest a read key.
import { readFileSync, writeFileSync } from 'node:fs'
import type { PulseConfig } from '../config.ts'
import { readDevKeys } from '../keys/dev-keys.ts'
import { runningServer } from '../runtime/server-file.ts'
import { getFromPulse, pulseBaseUrl, requestPulse } from './pulse-request.ts'
import { readApiTarget } from './read-api-target.ts'
import { formatTable } from './row-printing.ts'
import { userError } from './user-error.ts'

export interface AudienceFlags {
  url?: string
  file?: string
  format?: string
  out?: string
  since?: string
  json?: boolean
}

interface Member {
  person_id: string
  ids: string[]
}

const FORMATS = ['table', 'json', 'csv', 'arrow', 'parquet']

function adminTarget(flags: AudienceFlags, config: PulseConfig): { url: string; key: string } {
  const server = flags.url !== undefined ? { url: flags.url } : runningServer(config.dataDir)
  if (!server) throw userError(`no Pulse is serving ${config.dataDir}: start one with \`pulse serve\`, or pass --url of a running Pulse`)
  const key = config.adminKeys[0] ?? readDevKeys(config.dataDir)?.adminKey
  if (!key) throw userError('creating or deleting an audience needs an admin key: pass --admin-key KEY (or PULSE_ADMIN_KEYS, or a --keys-file)')
  return { url: server.url, key }
}

const failed = (status: number, body: { error?: { message: string } }) => userError(body.error?.message ?? `HTTP ${status}`)

function writeOut(out: string, data: string | Uint8Array): void {
  try {
    writeFileSync(out, data)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw userError(`--out ${out}: cannot write there (${code === 'EISDIR' ? 'it is a folder' : code === 'ENOENT' ? 'its folder does not exist' : code ?? (e as Error).message}): give a file path in a folder that exists`)
  }
}

export async function runAudienceCreate(flags: AudienceFlags, config: PulseConfig): Promise<void> {
  if (!flags.file) throw userError('--file DEF.json is needed: a JSON audience definition, e.g. {"name": "vip", "all": ["high_value"]}')
  let definition: unknown
  try {
    definition = JSON.parse(readFileSync(flags.file, 'utf8'))
  } catch (e) {
    throw userError(`--file ${flags.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}: give a readable file holding one JSON object`)
  }
  const { url, key } = adminTarget(flags, config)
  const { status, body } = await requestPulse<{ audience?: { name: string; members: number; version: number } }>(url, '/api/audiences', key, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(definition),
  })
  if (!body.audience) throw failed(status, body)
  if (flags.json) console.log(JSON.stringify(body))
  else console.log(`${status === 201 ? 'created' : 'replaced'} audience ${body.audience.name} (version ${body.audience.version}): ${body.audience.members} members now`)
}

export async function runAudienceDelete(name: string, flags: AudienceFlags, config: PulseConfig): Promise<void> {
  const { url, key } = adminTarget(flags, config)
  const { status, body } = await requestPulse<{ deleted?: string }>(url, `/api/audiences/${encodeURIComponent(name)}`, key, { method: 'DELETE', headers: {} })
  if (!body.deleted) throw failed(status, body)
  console.log(`deleted audience ${body.deleted}`)
}

export async function runAudienceList(flags: AudienceFlags, config: PulseConfig): Promise<void> {
  const target = readApiTarget(flags.url, config)
  const { status, body } = await getFromPulse<{ audiences?: Array<{ name: string; members: number; version: number; updated_at: string; definition: { description: string } }> }>(target.url, '/api/audiences', target.readKey)
  if (!body.audiences) throw failed(status, body)
  if (flags.json) console.log(JSON.stringify({ audiences: body.audiences }))
  else if (body.audiences.length === 0) console.log('no audiences yet: create one with `pulse audience create --file DEF.json`')
  else console.log(formatTable(body.audiences.map((a) => ({ name: a.name, members: a.members, version: a.version, updated_at: a.updated_at, description: a.definition.description }))))
}

export async function runAudienceMembers(name: string, flags: AudienceFlags, config: PulseConfig): Promise<void> {
  const format = flags.format ?? (flags.json ? 'json' : 'table')
  if (!FORMATS.includes(format)) throw userError(`--format must be one of ${FORMATS.join(', ')}, got ${format}`)
  const target = readApiTarget(flags.url, config)
  const route = `/api/audiences/${encodeURIComponent(name)}/members`
  if (format === 'table' || format === 'json') {
    const members: Member[] = []
    let cursor: string | null = null
    do {
      const { status, body }: { status: number; body: { members?: Member[]; next_cursor?: string | null; error?: { message: string } } } =
        await getFromPulse(target.url, `${route}?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, target.readKey)
      if (!body.members) throw failed(status, body)
      members.push(...body.members)
      cursor = body.next_cursor ?? null
    } while (cursor)
    const text = format === 'json' ? JSON.stringify({ audience: name, members }) : members.length ? formatTable(members.map((m) => ({ person_id: m.person_id, ids: m.ids.join(' ') }))) : `audience ${name} has no members now`
    if (flags.out) writeOut(flags.out, text + '\n')
    else console.log(text)
    return
  }
  // The files come whole from the API, each with its own header and schema.
  const res = await fetch(new URL(`${route}?format=${format}`, pulseBaseUrl(target.url)), { headers: { authorization: `Bearer ${target.readKey}` } }).catch((err) => {
    throw userError(`cannot reach ${target.url} (${(err as { cause?: { code?: string } }).cause?.code ?? String(err)}): is Pulse running there? Check --url or --data-dir`)
  })
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (!res.ok) {
    let message = `HTTP ${res.status}`
    try {
      message = (JSON.parse(Buffer.from(bytes).toString('utf8')) as { error: { message: string } }).error.message
    } catch {}
    throw userError(message)
  }
  if (flags.out) writeOut(flags.out, bytes)
  else process.stdout.write(bytes)
}

export async function runAudienceChanges(name: string, flags: AudienceFlags, config: PulseConfig): Promise<void> {
  const target = readApiTarget(flags.url, config)
  const since = flags.since ? `?since=${encodeURIComponent(flags.since)}` : ''
  const { status, body } = await getFromPulse<{ joined?: Member[]; left?: Member[]; members?: number; next_cursor?: string }>(target.url, `/api/audiences/${encodeURIComponent(name)}/changes${since}`, target.readKey)
  if (!body.joined) throw failed(status, body)
  console.log(JSON.stringify(body))
}
