// The profile read API and its CLI: fixture persons, ids, facts, profiles, tags, scores and events
// are inserted into the tables (features are counted from the facts as of the clock), then GET /api/customers/:id, GET /api/tags and
// GET /api/tags/:tag/customers (JSON, CSV, Arrow) and `pulse customer` / `pulse tags` answer them.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { parse } from 'csv-parse/sync'
import pino from 'pino'
import { tableFromIPC } from 'apache-arrow'
import { featuresFromFacts, type RolledFact } from '../models/tags/features-from-facts.ts'
import { healthScore } from '../models/tags/health-score.ts'
import { catalogEntryOf } from '../models/tags/tag-catalog.ts'
import { DEFAULT_TAG_SETTINGS } from '../models/tags/tag-settings.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiKeys } from '../ingest/api/api-keys.ts'
import { registerTagRoutes } from '../ingest/api/tag-routes.ts'
import { createHttpServer } from '../ingest/http-server.ts'
import { FixedClock } from '../pipelines/clock.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { ADMIN_KEY, READ_KEY, startTestPulse, tempDir, WRITE_KEY } from './helpers/test-pulse.ts'

const run = promisify(execFile)
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pipelines', 'pulse.mjs')
let pulse: RunningPulse

const personIdOf = (firstId: string) => 'p_' + createHash('sha256').update(firstId).digest('hex').slice(0, 16)
const T0 = Date.parse('2026-11-01T00:00:00.000Z')
const engineTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
const iso = (ms: number) => new Date(ms).toISOString()

// Alice: three ids (one moved to her from another person), a profile, tags, scores and 55 events,
// some keyed by each of her ids. Bob: one id, shares Alice's anonymous id in events where he is
// signed in (those are his). Twelve more persons only hold tags (paging).
const alice = { person: personIdOf('u-alice'), ids: ['anon-a1', 'ph-alice', 'u-alice@example.com'] }
// Bob's id needs escaping in a URL path.
const bob = { person: personIdOf('u-bob/ä 1'), ids: ['u-bob/ä 1'] }
const crowd = Array.from({ length: 12 }, (_, i) => ({ person: personIdOf(`crowd-${i}`), ids: [`crowd-${i}`, `crowd-${i}-anon`] }))

const DAY = 86_400_000
const HOUR = 3_600_000

/** A rolling-feature fact as the processor files it (sql/migrations/007_feature_rollups.sql). */
interface FactFixture {
  keyId: string
  messageId: string
  ts: number
  /** Bits: 1 activity, 2 login, 4 order, 8 coupon, 16 enquiry. */
  flags: number
  /** [amount, category, channel, complaint, complaint_id, severity, topic, nps, region, age_band, plan] */
  detail: [number, string, string, string, string, string, string, number | null, string, string, string] | null
}
const plain = (over: Partial<Record<'amount' | 'category' | 'channel' | 'nps' | 'region' | 'ageBand' | 'plan', string | number>>): FactFixture['detail'] =>
  [Number(over.amount ?? 0), String(over.category ?? ''), String(over.channel ?? ''), '', '', '', '', over.nps === undefined ? null : Number(over.nps), String(over.region ?? ''), String(over.ageBand ?? ''), String(over.plan ?? '')]
// Alice's facts, filed under each of her ids: the profile API counts her features from them.
const aliceFacts: FactFixture[] = [
  ...[1, 2, 3, 4, 5, 6].map((i) => ({ keyId: 'u-alice@example.com', messageId: `f-login-${i}`, ts: T0 - i * HOUR, flags: 1 | 2, detail: null })),
  { keyId: 'anon-a1', messageId: 'f-order-1', ts: T0 - 2 * DAY, flags: 1 | 4 | 8, detail: plain({ amount: 70.5, category: 'yoga' }) },
  { keyId: 'ph-alice', messageId: 'f-order-2', ts: T0 - 3 * DAY, flags: 1 | 4, detail: plain({ amount: 50, category: 'yoga', channel: 'search' }) },
  { keyId: 'u-alice@example.com', messageId: 'f-nps', ts: T0 - DAY, flags: 1, detail: plain({ nps: 9 }) },
  { keyId: 'u-alice@example.com', messageId: 'f-traits', ts: T0 - 5 * DAY, flags: 0, detail: plain({ region: 'north', ageBand: '25-34', plan: 'pro' }) },
]

/** The same facts as the feature count reads them; keys only need to differ (no copies, no ties). */
function rolled(facts: FactFixture[]): RolledFact[] {
  return facts.map((f) => {
    const d = f.detail ?? plain({})!
    return {
      h: f.messageId, ts: f.ts, receivedAt: f.ts, activity: (f.flags & 1) > 0, login: (f.flags & 2) > 0, order: (f.flags & 4) > 0, amount: d[0], coupon: (f.flags & 8) > 0,
      category: d[1], channel: d[2], complaint: '', complaintId: '', severity: '', enquiry: (f.flags & 16) > 0, topic: d[6], nps: d[7], region: d[8], ageBand: d[9], plan: d[10],
    }
  })
}
const aliceFeatures = featuresFromFacts(alice.person, alice.ids, rolled(aliceFacts), T0)

interface TagRow {
  person_id: string
  tag: string
  layer: string
  active: number
  since: number
  reason: Record<string, unknown>
  version: number
}
const tagRows: TagRow[] = [
  { person_id: alice.person, tag: 'high_frequency', layer: 'behaviour', active: 1, since: T0 - 3_600_000, reason: { logins7d: 6 }, version: 1 },
  { person_id: alice.person, tag: 'region:north', layer: 'basic', active: 1, since: T0 - 7_200_000, reason: { region: 'north' }, version: 1 },
  // Held once, removed since: not shown.
  { person_id: alice.person, tag: 'silent', layer: 'churn', active: 1, since: T0 - 9_000_000, reason: {}, version: 1 },
  { person_id: alice.person, tag: 'silent', layer: 'churn', active: 0, since: T0 - 1_000_000, reason: {}, version: 2 },
  { person_id: bob.person, tag: 'region:north', layer: 'basic', active: 1, since: T0 - 500_000, reason: { region: 'north' }, version: 1 },
  { person_id: bob.person, tag: 'region:south', layer: 'basic', active: 0, since: T0 - 400_000, reason: { region: 'south' }, version: 1 },
  ...[alice, bob, ...crowd].map((p, i) => ({ person_id: p.person, tag: 'lifecycle:active', layer: 'lifecycle', active: 1, since: T0 - i * 60_000, reason: { n: i }, version: 3 })),
]

interface EventFixture {
  owner: string
  message_id: string
  type: string
  event: string
  user_id: string
  anonymous_id: string
  distinct_id: string
  ts: number
  properties: Record<string, unknown>
}
const events: EventFixture[] = []
for (let i = 0; i < 55; i++) {
  const by = i % 3
  events.push({
    owner: alice.person, message_id: `al-${i}`, type: 'track', event: i % 2 ? 'Logged In' : 'Order Completed',
    user_id: by === 0 ? 'u-alice@example.com' : '', anonymous_id: by === 1 ? 'anon-a1' : '', distinct_id: by === 2 ? 'ph-alice' : '',
    ts: T0 - i * 60_000, properties: { n: i, category: 'yoga' },
  })
}
// Newer than all of Alice's: Bob signed in on her device. Keyed by his user id, so his.
for (let i = 0; i < 3; i++) {
  events.push({ owner: bob.person, message_id: `bob-${i}`, type: 'track', event: 'Logged In', user_id: bob.ids[0], anonymous_id: 'anon-a1', distinct_id: '', ts: T0 + (i + 1) * 1000, properties: { n: i } })
}

const scores = { model_version: 'fit-1', fitted_at: T0, frequency: 4, recency: 20.5, age: 30, monetary: 60.25, expected_purchases: 3.5, p_alive: 0.9, expected_spend: 61, clv: 210.75, r_score: 5, f_score: 4, m_score: 3, tier: 'high_value', churn_probability: 0.82, churn_percentile: 97.5, churn_band: 'high' }

async function insertFixtures(): Promise<void> {
  const client = pulse.clickhouse.client
  // The identity table (id -> person, newest version wins) as the identity stage keeps it.
  await client.command({ query: 'CREATE TABLE IF NOT EXISTS person_ids (id String, person_id String, identified UInt8, version UInt64) ENGINE = ReplacingMergeTree(version) ORDER BY id' })
  const idRows = [alice, bob, ...crowd].flatMap((p) => p.ids.map((id) => ({ id, person_id: p.person, identified: 1, version: 2 })))
  // ph-alice belonged to another person before a merge moved it to Alice.
  await client.insert({ table: 'person_ids', format: 'JSONEachRow', values: [{ id: 'ph-alice', person_id: personIdOf('ph-alice'), identified: 0, version: 1 }] })
  await client.insert({ table: 'person_ids', format: 'JSONEachRow', values: idRows })
  await client.insert({
    table: 'person_profiles', format: 'JSONEachRow',
    values: [
      { person_id: alice.person, ids: ['u-alice@example.com'], health: 0.1, computed_at: engineTime(T0 - 10_000), version: 1 },
      { person_id: alice.person, ids: alice.ids, health: 0.82, computed_at: engineTime(T0), version: 2 },
    ],
  })
  await client.insert({
    table: 'feature_facts_input', format: 'JSONEachRow',
    values: aliceFacts.map((f) => ({ source: 'test', message_id: f.messageId, key_id: f.keyId, ts: f.ts, received_at: f.ts, flags: f.flags, detail: f.detail ? JSON.stringify(f.detail) : '' })),
  })
  await client.insert({ table: 'person_tags', format: 'JSONEachRow', values: tagRows.map((t) => ({ ...t, since: engineTime(t.since), reason: JSON.stringify(t.reason) })) })
  await client.insert({
    table: 'model_fits', format: 'JSONEachRow',
    values: [{ model_version: 'fit-1', fitted_at: engineTime(T0), as_of: engineTime(T0), customers: 2, unit_days: 7, horizon: 52, r: 1, alpha: 1, a: 1, b: 1, ll: -1, se_r: null, se_alpha: null, se_a: null, se_b: null, seconds: 1, converged: 1 }],
  })
  await client.insert({ table: 'customer_scores', format: 'JSONEachRow', values: [{ ...scores, customer: alice.person, fitted_at: engineTime(T0) }] })
  await client.insert({
    table: 'events', format: 'JSONEachRow',
    values: events.map(({ owner: _owner, ...e }) => ({ ...e, source: 'test', ts: engineTime(e.ts), received_at: engineTime(e.ts), properties: JSON.stringify(e.properties) })),
  })
}

beforeAll(async () => {
  // The tables hold fixture rows only; features are counted as of the clock's T0.
  pulse = await startTestPulse('profile-api', { profiles: false }, { clock: new FixedClock(T0) })
  await insertFixtures()
})
afterAll(async () => {
  await pulse?.stop()
})

const get = (route: string, key: string | null = READ_KEY) => fetch(pulse.url + route, { headers: key ? { authorization: `Bearer ${key}` } : {} })

/** What the tables say a person holds now: the newest version of each (tag, person), if active. */
function activeTags(): TagRow[] {
  const newest = new Map<string, TagRow>()
  for (const t of tagRows) {
    const key = `${t.tag}\u0000${t.person_id}`
    if ((newest.get(key)?.version ?? -1) < t.version) newest.set(key, t)
  }
  return [...newest.values()].filter((t) => t.active === 1)
}

function holdersOf(tag: string) {
  const byPerson = new Map([alice, bob, ...crowd].map((p) => [p.person, p.ids]))
  return activeTags()
    .filter((t) => t.tag === tag)
    .sort((a, b) => (a.person_id < b.person_id ? -1 : 1))
    .map((t) => ({ person_id: t.person_id, ids: [...byPerson.get(t.person_id)!].sort(), since: iso(t.since) }))
}

describe('GET /api/customers/:id', () => {
  const { traits, personId: _p, ids: _i, ...features } = aliceFeatures
  // A person with no facts: every count zero, every time null.
  const nothing = featuresFromFacts('p', [], [], T0)
  const { traits: _t, personId: _np, ids: _ni, ...nothingCounted } = nothing
  const expectedAlice = {
    person_id: alice.person,
    ids: [...alice.ids].sort(),
    traits,
    features,
    tags: activeTags()
      .filter((t) => t.person_id === alice.person)
      .sort((a, b) => (a.tag < b.tag ? -1 : 1))
      .map((t) => ({ tag: t.tag, layer: t.layer, since: iso(t.since), reason: t.reason })),
    scores: { ...scores, fitted_at: iso(scores.fitted_at) },
    // Counted as of now from the features, not the stored 0.82.
    health: healthScore(aliceFeatures, DEFAULT_TAG_SETTINGS).score,
    timeline: events
      .filter((e) => e.owner === alice.person)
      .sort((a, b) => b.ts - a.ts)
      .slice(0, 50)
      .map((e) => ({ event: e.event, type: e.type, ts: iso(e.ts), properties: e.properties })),
  }

  it('answers the same customer for each of its ids and for its person id, padded with spaces as ingest trims them', async () => {
    for (const id of [...alice.ids, alice.person, ` ${alice.ids[0]}\t `]) {
      const res = await get(`/api/customers/${encodeURIComponent(id)}`)
      expect(res.status, id).toBe(200)
      expect(await res.json(), id).toEqual({ customer: expectedAlice })
    }
  })

  it('shows a person without a profile with its ids, tags and own events only', async () => {
    const res = await get(`/api/customers/${encodeURIComponent(bob.ids[0])}`)
    expect(await res.json()).toEqual({
      customer: {
        person_id: bob.person, ids: bob.ids, traits: nothing.traits, features: nothingCounted, scores: {}, health: null,
        tags: activeTags().filter((t) => t.person_id === bob.person).map((t) => ({ tag: t.tag, layer: t.layer, since: iso(t.since), reason: t.reason })).sort((a, b) => (a.tag < b.tag ? -1 : 1)),
        timeline: events.filter((e) => e.owner === bob.person).sort((a, b) => b.ts - a.ts).map((e) => ({ event: e.event, type: e.type, ts: iso(e.ts), properties: e.properties })),
      },
    })
  })

  it('finds a person by its id from its profile alone, with the ids it was profiled with', async () => {
    const carol = { person: personIdOf('u-carol'), ids: ['u-carol', 'anon-c1'] }
    await pulse.clickhouse.client.insert({
      table: 'person_profiles', format: 'JSONEachRow',
      values: [{ person_id: carol.person, ids: carol.ids, health: 0.5, computed_at: engineTime(T0), version: 1 }],
    })
    const res = await get(`/api/customers/${carol.person}`)
    expect(await res.json()).toEqual({
      customer: { person_id: carol.person, ids: [...carol.ids].sort(), traits: nothing.traits, features: nothingCounted, tags: [], scores: {}, health: healthScore(nothing, DEFAULT_TAG_SETTINGS).score, timeline: [] },
    })
  })

  it('answers 404 with a JSON error for an id nobody has', async () => {
    const res = await get('/api/customers/nobody%40example.com')
    expect(res.status).toBe(404)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('unknown_customer')
    expect(body.error.message).toContain('"nobody@example.com"')
  })
})

describe('GET /api/tags', () => {
  it('counts the persons holding each tag now', async () => {
    const counts = new Map<string, { layer: string; customers: number }>()
    for (const t of activeTags()) counts.set(t.tag, { layer: t.layer, customers: (counts.get(t.tag)?.customers ?? 0) + 1 })
    const expected = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([tag, c]) => ({ tag, layer: c.layer, customers: c.customers }))
    const res = await get('/api/tags')
    const { tags } = (await res.json()) as { tags: Array<{ tag: string; layer: string; description: string; customers: number }> }
    expect(tags.map(({ description: _, ...t }) => t)).toEqual(expected)
    // Described from the catalog, thresholds filled in (the next test checks the lookup itself).
    for (const t of tags) expect(t.description).toBe(catalogEntryOf(t.tag)?.describe(DEFAULT_TAG_SETTINGS) ?? '')
  })

  it('describes each tag from the definitions, families such as region:<value> included', async () => {
    const app = await createHttpServer(pino({ level: 'silent' }), { maxRawBodyBytes: 1 << 20, corsPaths: new Set(), trustProxy: [], requestTimeoutMs: 10_000 })
    const definitions = [
      { id: 'region:<value>', layer: 'basic', description: 'lives in the region named' },
      { id: 'high_frequency', layer: 'behaviour', description: 'logged in 5 times or more in the last 7 days' },
      { id: 'lifecycle:active', layer: 'lifecycle', description: 'buys and uses the service regularly' },
    ]
    registerTagRoutes(app, { client: pulse.clickhouse.client, keys: new ApiKeys([READ_KEY], []), definitions })
    try {
      const res = await app.inject({ method: 'GET', url: '/api/tags', headers: { authorization: `Bearer ${READ_KEY}` } })
      const described = Object.fromEntries((res.json() as { tags: Array<{ tag: string; description: string }> }).tags.map((t) => [t.tag, t.description]))
      expect(described).toEqual({
        high_frequency: definitions[1].description,
        'lifecycle:active': definitions[2].description,
        'region:north': definitions[0].description,
      })
    } finally {
      await app.close()
    }
  })
})

describe('GET /api/tags/:tag/customers', () => {
  async function pageThrough(tag: string, limit: number): Promise<{ pages: number; customers: unknown[] }> {
    const customers: unknown[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await get(`/api/tags/${encodeURIComponent(tag)}/customers?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.status).toBe(200)
      const body = (await res.json()) as { customers: unknown[]; next_cursor: string | null }
      customers.push(...body.customers)
      cursor = body.next_cursor
      pages++
    } while (cursor && pages < 100)
    return { pages, customers }
  }

  it('pages through every holder once, in person id order', async () => {
    const holders = holdersOf('lifecycle:active')
    const limit = Math.ceil(holders.length / 3)
    expect(await pageThrough('lifecycle:active', limit)).toEqual({ pages: 3, customers: holders })
    expect(await pageThrough('region:north', 10)).toEqual({ pages: 1, customers: holdersOf('region:north') })
    expect(await pageThrough('no_such_tag', 10)).toEqual({ pages: 1, customers: [] })
  })

  it('gives the same rows as CSV and as an Arrow stream, with the next cursor in a header', async () => {
    const first = (await (await get('/api/tags/lifecycle:active/customers?limit=5')).json()) as { customers: Array<{ person_id: string; ids: string[]; since: string }>; next_cursor: string }
    for (const cursor of ['', first.next_cursor]) {
      const route = `/api/tags/lifecycle:active/customers?limit=5${cursor ? `&cursor=${cursor}` : ''}`
      const json = (await (await get(route)).json()) as { customers: Array<{ person_id: string; ids: string[]; since: string }>; next_cursor: string | null }

      const csvRes = await get(route + '&format=csv')
      expect(csvRes.headers.get('content-type')).toMatch(/^text\/csv/)
      expect(csvRes.headers.get('pulse-next-cursor')).toBe(json.next_cursor)
      const csvRows = parse(await csvRes.text(), { columns: true }) as Array<{ person_id: string; ids: string; since: string }>
      expect(csvRows.map((r) => ({ person_id: r.person_id, ids: JSON.parse(r.ids), since: r.since }))).toEqual(json.customers)

      const arrowRes = await get(route + '&format=arrow')
      expect(arrowRes.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream')
      expect(arrowRes.headers.get('pulse-next-cursor')).toBe(json.next_cursor)
      const bytes = Buffer.from(await arrowRes.arrayBuffer())
      // Decoded by apache-arrow (the JavaScript library) ...
      const table = tableFromIPC(bytes)
      expect(table.toArray().map((r) => ({ person_id: r.person_id, ids: [...r.ids], since: iso(Number(r.since)) }))).toEqual(json.customers)
      // ... and by the engine's Arrow reader (the Apache Arrow C++ library).
      const file = path.join(tempDir('profile-arrow'), 'page.arrow')
      writeFileSync(file, bytes)
      const decoded = await pulse.clickhouse.client.query({
        query: "SELECT person_id, ids, toUnixTimestamp64Milli(since) AS since_ms, toTypeName(since) AS since_type FROM file({path:String}, 'ArrowStream')",
        query_params: { path: file },
        format: 'JSONEachRow',
      })
      const arrowRows = await decoded.json<{ person_id: string; ids: string[]; since_ms: number; since_type: string }>()
      expect(arrowRows.map((r) => ({ person_id: r.person_id, ids: r.ids, since: iso(Number(r.since_ms)) }))).toEqual(json.customers)
      expect(new Set(arrowRows.map((r) => r.since_type))).toEqual(new Set(["DateTime64(3, 'UTC')"]))
    }
  })

  it('answers 409 to a tag refresh where no profiles are kept (--no-profiles)', async () => {
    const res = await fetch(pulse.url + '/api/tags/refresh', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([409, 'no_profiles'])
  })

  it('refuses a bad format, limit or cursor with 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['format=xml', 'invalid_format'],
      ['limit=0', 'invalid_limit'],
      ['limit=1001', 'invalid_limit'],
      ['limit=ten', 'invalid_limit'],
      ['limit=2.5', 'invalid_limit'],
      ['cursor=!!', 'invalid_cursor'],
      // Well-formed base64url, but not of a person id.
      [`cursor=${Buffer.from('zzz').toString('base64url')}`, 'invalid_cursor'],
    ]
    for (const [query, code] of cases) {
      const res = await get(`/api/tags/lifecycle:active/customers?${query}`)
      expect(res.status, query).toBe(400)
      const { error } = (await res.json()) as { error: { code: string; message: string } }
      expect(error.code, query).toBe(code)
      expect(error.message, query).toContain(query.split('=')[0])
    }
  })
})

describe('keys', () => {
  it('needs a read key on every profile route: none, a write key or an unknown one get 401', async () => {
    for (const route of ['/api/customers/anon-a1', '/api/tags', '/api/tags/region:north/customers', '/api/tags/region:north/customers?format=arrow']) {
      for (const key of [null, WRITE_KEY, 'rk_unknown']) {
        const res = await get(route, key)
        expect(res.status, `${route} ${key}`).toBe(401)
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_read_key')
      }
    }
  })
})

describe('pulse customer / pulse tags', () => {
  const pulseCli = (...args: string[]) => run(process.execPath, [cli, ...args, '--url', pulse.url, '--read-key', READ_KEY])

  it('prints a customer as JSON, and as tables naming its tags and ids', async () => {
    const api = await (await get('/api/customers/anon-a1')).json()
    const { stdout } = await pulseCli('customer', 'anon-a1', '--json')
    expect({ customer: JSON.parse(stdout) }).toEqual(api)
    const table = (await pulseCli('customer', 'ph-alice')).stdout
    expect(table).toContain(`person ${alice.person}`)
    for (const t of activeTags().filter((t) => t.person_id === alice.person)) expect(table).toMatch(new RegExp(`^${t.tag}\\s+${t.layer}\\s`, 'm'))
  })

  it('prints the tags with their counts, and every holder of one tag across pages', async () => {
    const { stdout } = await pulseCli('tags', '--json')
    expect(JSON.parse(stdout)).toEqual(await (await get('/api/tags')).json())
    const holders = JSON.parse((await pulseCli('tags', 'lifecycle:active', '--json')).stdout)
    expect(holders).toEqual({ tag: 'lifecycle:active', customers: holdersOf('lifecycle:active') })
    const table = (await pulseCli('tags', 'region:north')).stdout
    for (const h of holdersOf('region:north')) expect(table).toMatch(new RegExp(`^${h.person_id}\\s`, 'm'))
  })

  it('says in one line when the customer is unknown', async () => {
    const err = await pulseCli('customer', 'nobody').catch((e: { code: number; stderr: string }) => e)
    expect(err).toMatchObject({ code: 1 })
    expect((err as { stderr: string }).stderr.trim()).toMatch(/^pulse: no customer has the id "nobody": .*$/)
  })
})
