// Saved audiences through a real Pulse: identify calls move persons' region and age-band tags, and
// the audience's members and change sets follow the tags the profile system stored, exactly (a
// person who joined and left between two syncs is in neither); the members read back the same as
// JSON pages, CSV, Arrow (apache-arrow) and Parquet (hyparquet); key scopes; bad definitions.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { parse } from 'csv-parse/sync'
import { tableFromIPC } from 'apache-arrow'
import fc from 'fast-check'
import { parquetReadObjects } from 'hyparquet'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isMember, type AudienceTags } from '../models/tags/audience-definition.ts'
import { FixedClock } from '../pipelines/clock.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { ADMIN_KEY, READ_KEY, WRITE_KEY, basicAuth, postJson, sql, startTestPulse, tempDir, untilProcessed } from './helpers/test-pulse.ts'

const run = promisify(execFile)
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')

const T0 = Date.UTC(2026, 10, 2, 12)
const MINUTE = 60_000
const clock = new FixedClock(T0)
let pulse: RunningPulse

beforeAll(async () => {
  pulse = await startTestPulse('audiences', { tagSweepSeconds: 0 }, { clock })
})
afterAll(async () => {
  await pulse?.stop()
})

interface Member {
  person_id: string
  ids: string[]
}
interface ChangeSet {
  joined: Member[]
  left: Member[]
  members: number
  next_cursor: string
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` })
const get = (route: string, key = READ_KEY) => fetch(pulse.url + route, { headers: auth(key) })

// Each trait change is later than the one before: the person's newest trait decides its tag.
let step = 0
async function setTraits(changes: Array<[user: string, traits: Record<string, string>]>): Promise<void> {
  const batch = changes.map(([userId, traits]) => ({ type: 'identify', userId, traits, timestamp: new Date(T0 - 600 * MINUTE + step++ * MINUTE).toISOString(), messageId: `id-${step}` }))
  const res = await postJson(pulse.url + '/v1/batch', { batch }, { authorization: basicAuth(WRITE_KEY) })
  expect(res.status).toBe(200)
  await untilProcessed(pulse)
}

/** The tags each person holds now, as the profile system stored them. */
async function heldTags(): Promise<Map<string, Set<string>>> {
  const rows = await sql<{ person_id: string; tag: string }>(pulse.url, 'SELECT person_id, tag FROM person_tags WHERE active = 1')
  const held = new Map<string, Set<string>>()
  for (const r of rows) held.set(r.person_id, (held.get(r.person_id) ?? new Set()).add(r.tag))
  return held
}

/** The persons a definition of all / none tags selects from the stored tags. */
async function expectedMembers(all: string[], none: string[]): Promise<string[]> {
  const held = await heldTags()
  return [...held].filter(([, tags]) => all.every((t) => tags.has(t)) && !none.some((t) => tags.has(t))).map(([p]) => p).sort()
}

async function changes(name: string, since?: string): Promise<ChangeSet> {
  const res = await get(`/api/audiences/${name}/changes${since ? `?since=${encodeURIComponent(since)}` : ''}`)
  expect(res.status).toBe(200)
  return (await res.json()) as ChangeSet
}

async function members(name: string): Promise<Member[]> {
  const out: Member[] = []
  let cursor: string | null = null
  do {
    const res = await get(`/api/audiences/${name}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    expect(res.status).toBe(200)
    const page = (await res.json()) as { members: Member[]; next_cursor: string | null }
    out.push(...page.members)
    cursor = page.next_cursor
  } while (cursor)
  return out
}

const personsOf = (list: Member[]) => list.map((m) => m.person_id).sort()
const diff = (from: string[], to: string[]) => ({ joined: to.filter((p) => !from.includes(p)).sort(), left: from.filter((p) => !to.includes(p)).sort() })

async function create(body: unknown, key = ADMIN_KEY): Promise<Response> {
  return postJson(pulse.url + '/api/audiences', body, auth(key))
}

const NORTH = { name: 'north-adults', description: 'northern customers over 24', all: ['region:north'], none: ['age_band:18-24'] }

describe('audience membership and change sets', () => {
  it('follow the stored tags through joins, leaves and a join-then-leave between syncs', async () => {
    expect((await create(NORTH)).status).toBe(201)
    const first = await changes(NORTH.name)
    expect(first).toMatchObject({ joined: [], left: [], members: 0 })

    await setTraits([['u1', { region: 'north', age_band: '25-34' }], ['u2', { region: 'north', age_band: '18-24' }], ['u3', { region: 'south' }], ['u4', { region: 'north' }]])
    const round1 = await expectedMembers(NORTH.all, NORTH.none)
    expect(round1.length).toBeGreaterThan(0)
    expect(personsOf(await members(NORTH.name))).toEqual(round1)
    const second = await changes(NORTH.name, first.next_cursor)
    expect({ joined: personsOf(second.joined), left: personsOf(second.left) }).toEqual(diff([], round1))
    expect(second.members).toBe(round1.length)
    // Members carry their ids: u1's person is the one with the id u1.
    expect(second.joined.find((m) => m.ids.includes('u1'))).toBeDefined()

    // u1 moves away, u3 moves north, u2 grows out of 18-24.
    await setTraits([['u1', { region: 'south' }], ['u3', { region: 'north' }], ['u2', { age_band: '25-34' }]])
    const round2 = await expectedMembers(NORTH.all, NORTH.none)
    expect(personsOf(await members(NORTH.name))).toEqual(round2)
    const third = await changes(NORTH.name, second.next_cursor)
    expect({ joined: personsOf(third.joined), left: personsOf(third.left) }).toEqual(diff(round1, round2))
    expect(third.left.length).toBeGreaterThan(0)

    // u5 joins and leaves again before the next sync: in neither list.
    await setTraits([['u5', { region: 'north' }]])
    const withU5 = await expectedMembers(NORTH.all, NORTH.none)
    expect(personsOf(await members(NORTH.name))).toEqual(withU5)
    await setTraits([['u5', { region: 'west' }], ['u4', { age_band: '18-24' }]])
    const round3 = await expectedMembers(NORTH.all, NORTH.none)
    const fourth = await changes(NORTH.name, third.next_cursor)
    expect({ joined: personsOf(fourth.joined), left: personsOf(fourth.left) }).toEqual(diff(round2, round3))
    const u5 = withU5.find((p) => !round2.includes(p))
    expect(u5).toBeDefined()
    expect([...fourth.joined, ...fourth.left].map((m) => m.person_id)).not.toContain(u5)

    // Any earlier cursor still compares with now: from the first sync, everything since it.
    const again = await changes(NORTH.name, first.next_cursor)
    expect({ joined: personsOf(again.joined), left: personsOf(again.left) }).toEqual(diff([], round3))
    // A sync with nothing moved since the last one is empty.
    const quiet = await changes(NORTH.name, fourth.next_cursor)
    expect({ joined: quiet.joined, left: quiet.left, members: quiet.members }).toEqual({ joined: [], left: [], members: round3.length })
  })

  it('exports the same members as JSON pages, CSV, Arrow and Parquet', async () => {
    const any = { name: 'north-or-south', any: ['region:north', 'region:south'] }
    expect((await create(any)).status).toBe(201)
    const held = await heldTags()
    const expected = [...held].filter(([, tags]) => tags.has('region:north') || tags.has('region:south')).map(([p]) => p).sort()
    const json = await members(any.name)
    expect(personsOf(json)).toEqual(expected)

    const csv = await get(`/api/audiences/${any.name}/members?format=csv`)
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    const csvRows = parse(await csv.text(), { columns: true }) as Array<{ person_id: string; ids: string }>
    expect(csvRows.map((r) => ({ person_id: r.person_id, ids: JSON.parse(r.ids) }))).toEqual(json)

    const arrow = await get(`/api/audiences/${any.name}/members?format=arrow`)
    expect(arrow.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream')
    const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()))
    expect(table.schema.fields.map((f) => f.name)).toEqual(['person_id', 'ids'])
    expect(table.toArray().map((r) => ({ person_id: r.person_id, ids: [...r.ids] }))).toEqual(json)

    const parquet = await get(`/api/audiences/${any.name}/members?format=parquet`)
    expect(parquet.headers.get('content-type')).toBe('application/vnd.apache.parquet')
    const bytes = await parquet.arrayBuffer()
    expect(await parquetReadObjects({ file: bytes })).toEqual(json)

    // A file may be paged too: the next cursor comes in a header.
    const firstPage = await get(`/api/audiences/${any.name}/members?format=parquet&limit=1`)
    const cursor = firstPage.headers.get('pulse-next-cursor')
    expect(await parquetReadObjects({ file: await firstPage.arrayBuffer() })).toEqual(json.slice(0, 1))
    const rest = await get(`/api/audiences/${any.name}/members?format=parquet&cursor=${cursor}`)
    expect(await parquetReadObjects({ file: await rest.arrayBuffer() })).toEqual(json.slice(1))
  })

  it('lists the audiences with their member counts, replaces and deletes them', async () => {
    const listed = (await (await get('/api/audiences')).json()) as { audiences: Array<{ name: string; members: number; version: number; tags: unknown }> }
    const north = listed.audiences.find((a) => a.name === NORTH.name)
    expect(north?.members).toBe((await expectedMembers(NORTH.all, NORTH.none)).length)
    expect(north?.tags).toEqual({ all: NORTH.all, any_of: [], none: NORTH.none })

    const replaced = await create({ ...NORTH, none: [] })
    expect(replaced.status).toBe(200)
    const body = (await replaced.json()) as { audience: { version: number; members: number } }
    expect(body.audience.version).toBe(north!.version + 1)
    expect(body.audience.members).toBe((await expectedMembers(NORTH.all, [])).length)

    const cursor = (await changes(NORTH.name)).next_cursor
    const deleted = await fetch(`${pulse.url}/api/audiences/${NORTH.name}`, { method: 'DELETE', headers: auth(ADMIN_KEY) })
    expect(deleted.status).toBe(200)
    expect((await get(`/api/audiences/${NORTH.name}/members`)).status).toBe(404)
    expect((await fetch(`${pulse.url}/api/audiences/${NORTH.name}`, { method: 'DELETE', headers: auth(ADMIN_KEY) })).status).toBe(404)
    // Created again, it starts over: a cursor of the deleted one is refused, with what to do.
    expect((await create(NORTH)).status).toBe(201)
    const stale = await get(`/api/audiences/${NORTH.name}/changes?since=${cursor}`)
    expect(stale.status).toBe(400)
    expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(/leave since out/)
  })
})

describe('audience requests a person can get wrong', () => {
  it('needs an admin key to create or delete, a read key to read', async () => {
    expect((await create({ name: 'by-reader', all: ['region:north'] }, READ_KEY)).status).toBe(403)
    expect((await create({ name: 'by-writer', all: ['region:north'] }, WRITE_KEY)).status).toBe(401)
    expect((await fetch(`${pulse.url}/api/audiences/north-or-south`, { method: 'DELETE', headers: auth(READ_KEY) })).status).toBe(403)
    expect((await get('/api/audiences', WRITE_KEY)).status).toBe(401)
    for (const route of ['/api/audiences', '/api/audiences/north-or-south/members', '/api/audiences/north-or-south/changes']) {
      expect((await get(route, READ_KEY)).status, route).toBe(200)
    }
  })

  it('refuses a bad definition with 400 naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ name: 'Bad Name', all: ['x'] }, /^name:/],
      [{ name: 'a.b', all: ['x'] }, /^name:/],
      [{ name: 'ok', all: 'region:north' }, /^all:/],
      [{ name: 'ok', any: ['x', 7] }, /^any\[1\]:/],
      [{ name: 'ok', churn_bands: ['extreme'] }, /^churn_bands\[0\]:.*low, medium, high/],
      [{ name: 'ok', none: ['region:north'] }, /^all:.*at least one tag/],
      [{ name: 'ok', all: ['x'], none: ['x'] }, /^none:/],
      [{ name: 'ok', all: ['x'], colour: 'red' }, /^colour: unknown field/],
      ['[1, 2]', /^body:/],
    ]
    for (const [body, message] of cases) {
      const res = await create(body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      const error = ((await res.json()) as { error: { code: string; message: string } }).error
      expect(error.code).toBe('invalid_audience')
      expect(error.message).toMatch(message)
    }
    expect((await postJson(pulse.url + '/api/audiences', '{not json', auth(ADMIN_KEY))).status).toBe(400)
  })

  it('refuses an unknown format, audience or cursor with what to do', async () => {
    const format = await get('/api/audiences/north-or-south/members?format=xlsx')
    expect(format.status).toBe(400)
    expect(((await format.json()) as { error: { message: string } }).error.message).toMatch(/parquet/)
    expect((await get('/api/audiences/nobody-here/members')).status).toBe(404)
    expect((await get('/api/audiences/north-or-south/changes?since=garbage')).status).toBe(400)
    const other = (await changes(NORTH.name)).next_cursor
    const crossed = await get(`/api/audiences/north-or-south/changes?since=${other}`)
    expect(crossed.status).toBe(400)
    expect(((await crossed.json()) as { error: { message: string } }).error.message).toMatch(/north-adults/)
  })
})

describe('pulse audience', () => {
  const pulseCli = (...args: string[]) => run(process.execPath, [cli, 'audience', ...args, '--url', pulse.url, '--data-dir', tempDir('audiences-cli')])

  it('creates, lists, exports and syncs an audience of a running Pulse', async () => {
    const folder = tempDir('audiences-cli-files')
    const file = path.join(folder, 'south.json')
    writeFileSync(file, JSON.stringify({ name: 'south', all: ['region:south'] }))
    const created = await pulseCli('create', '--file', file, '--admin-key', ADMIN_KEY)
    const expected = await expectedMembers(['region:south'], [])
    expect(expected.length).toBeGreaterThan(0)
    expect(created.stdout).toMatch(new RegExp(`created audience south \\(version 1\\): ${expected.length} members now`))

    const listed = JSON.parse((await pulseCli('list', '--json', '--read-key', READ_KEY)).stdout) as { audiences: Array<{ name: string; members: number }> }
    expect(listed.audiences.find((a) => a.name === 'south')?.members).toBe(expected.length)

    const out = path.join(folder, 'south.parquet')
    await pulseCli('members', 'south', '--format', 'parquet', '--out', out, '--read-key', READ_KEY)
    const rows = (await parquetReadObjects({ file: new Uint8Array(readFileSync(out)).buffer })) as Member[]
    expect(personsOf(rows)).toEqual(expected)

    const first = JSON.parse((await pulseCli('changes', 'south', '--read-key', READ_KEY)).stdout) as ChangeSet
    expect(personsOf(first.joined)).toEqual(expected)
    const next = JSON.parse((await pulseCli('changes', 'south', '--since', first.next_cursor, '--read-key', READ_KEY)).stdout) as ChangeSet
    expect({ joined: next.joined, left: next.left }).toEqual({ joined: [], left: [] })
  })

  it('says in one line what is wrong: a read key for create, a bad definition, an unknown audience', async () => {
    const file = path.join(tempDir('audiences-cli-bad'), 'bad.json')
    writeFileSync(file, JSON.stringify({ name: 'west', all: ['region:west'] }))
    const withRead = await pulseCli('create', '--file', file, '--read-key', READ_KEY).catch((e) => e)
    expect(withRead.code).toBe(1)
    expect(withRead.stderr).toMatch(/^pulse: .*admin key/)
    writeFileSync(file, JSON.stringify({ name: 'west', all: ['region:west'], churn_bands: ['extreme'] }))
    const bad = await pulseCli('create', '--file', file, '--admin-key', ADMIN_KEY).catch((e) => e)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^pulse: churn_bands\[0\]: expected one of low, medium, high/)
    const unknown = await pulseCli('members', 'nobody-here', '--format', 'arrow', '--read-key', READ_KEY).catch((e) => e)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^pulse: no audience is named "nobody-here"/)
  })
})

describe('audience queries', () => {
  it('select the persons the definition rule selects, for shorthand groups and exclusions too', async () => {
    // Tags no event here gives (churn bands, tiers, drop-offs), written as the profile system stores them.
    const pool = ['churn:low', 'churn:medium', 'churn:high', 'tier:gold', 'tier:steady', 'funnel_dropoff:checkout', 'funnel_dropoff:signup', 'vip']
    const persons = fc.sample(fc.uniqueArray(fc.constantFrom(...pool), { maxLength: 5 }), { numRuns: 60, seed: 7 })
    const rows = persons.flatMap((tags, i) => tags.map((tag) => ({ person_id: `p_fixture${String(i).padStart(3, '0')}`, tag, layer: 'value', active: 1, since: '2026-11-01 00:00:00.000', reason: '{}', version: 1 })))
    // A tag held once and removed since does not count.
    rows.push({ person_id: 'p_fixture000', tag: 'vip', layer: 'value', active: 0, since: '2026-11-01 00:00:01.000', reason: '{}', version: 2 })
    await pulse.clickhouse.client.insert({ table: 'person_tags', format: 'JSONEachRow', values: rows })
    const held = await heldTags()
    const definitions = [
      { name: 'at-risk-gold', churn_bands: ['medium', 'high'], value_tiers: ['gold'] },
      { name: 'checkout-dropouts', funnel_dropoffs: ['checkout'], none: ['vip', 'churn:low'] },
      { name: 'vip-or-steady', any: ['vip'], value_tiers: ['steady', 'gold'], funnel_dropoffs: ['signup'] },
    ]
    for (const d of definitions) {
      const res = await create(d)
      expect(res.status).toBe(201)
      const { audience } = (await res.json()) as { audience: { tags: AudienceTags; members: number } }
      const expected = [...held].filter(([, tags]) => isMember(tags, audience.tags)).map(([p]) => p).sort()
      expect(expected.length, d.name).toBeGreaterThan(0)
      expect(personsOf(await members(d.name)), d.name).toEqual(expected)
      expect(audience.members).toBe(expected.length)
      expect(personsOf((await changes(d.name)).joined)).toEqual(expected)
    }
  })
})
