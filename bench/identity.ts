// bench/identity: the identity graph at 1,000,000 ids. Restoring it in memory, apply() of batches
// of 20,000 key ids (existing, new, and identify/alias links among them), storing the changes in
// the embedded engine, and loading the stored graph back page by page, with the process's peak
// memory. Targets: 1 M ids load in a few seconds; apply() of 20,000 key ids takes milliseconds.
// Usage: tsx bench/identity.ts [--ids 1000000] [--batches 20]
// First: the engine's allocator options are read when chdb loads.
import './engine-allocator-setup.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { IdLink, UserIdSighting } from '../models/identity/event-ids.ts'
import { IdentityGraph } from '../models/identity/identity-graph.ts'
import type { IdentityChanges } from '../models/identity/identity-changes.ts'
import { SeededRandom } from '../models/simulation/seeded-random.ts'
import { openClickHouse } from '../sql/clickhouse-client.ts'
import { LOAD_PAGE_ROWS, loadIdentityGraph, storeIdentityChanges } from '../sql/profiles/identity-store.ts'
import { migrate } from '../sql/migrate.ts'

const { values } = parseArgs({
  options: { ids: { type: 'string', default: '1000000' }, batches: { type: 'string', default: '20' }, page: { type: 'string', default: String(LOAD_PAGE_ROWS) } },
})
const ID_COUNT = Number(values.ids)
const BATCHES = Number(values.batches)
const BATCH_KEYS = 20_000
const T0 = Date.UTC(2026, 0, 1)
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
const mb = (bytes: number) => `${fmt(bytes / 1048576)} MB`
let peakRss = 0
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()))
const sampler = setInterval(sample, 20)

const rng = new SeededRandom(7)
const anon = (i: number) => `anon-${i.toString(36)}-0f3c9a`
const user = (i: number) => `user${i}@example.com`

// The starting graph: every third person identified; ids 2.5 per person on average.
const graph = new IdentityGraph()
const ids: string[] = []
let t = performance.now()
for (let p = 0; ids.length < ID_COUNT; p++) {
  const personId = `p_${p.toString(16).padStart(16, '0')}`
  const n = 1 + Math.floor(rng.uniform() * 3) + (p % 2)
  for (let k = 0; k < n && ids.length < ID_COUNT; k++) {
    const id = k === 0 && p % 3 === 0 ? user(p) : anon(ids.length)
    graph.restore({ id, personId, identified: id.startsWith('user'), personCreatedAt: T0 + p, version: 1 })
    ids.push(id)
  }
}
const restoreMs = performance.now() - t
sample()
console.log(`build (ids made up and restored one by one): ${fmt(graph.size)} ids, ${fmt(graph.personCount)} persons in ${fmt(restoreMs)} ms, rss ${mb(process.memoryUsage.rss())}`)

/** A batch: 20,000 key ids, 85% already known, 15% new; one new id in ten arrives with an identify or alias. */
function makeBatch(b: number): { keyIds: string[]; links: IdLink[]; userIds: UserIdSighting[] } {
  const keyIds: string[] = []
  const links: IdLink[] = []
  const userIds: UserIdSighting[] = []
  for (let i = 0; i < BATCH_KEYS; i++) {
    if (rng.uniform() < 0.85) {
      keyIds.push(ids[Math.floor(rng.uniform() * ids.length)])
      continue
    }
    const fresh = `new-${b}-${i}`
    keyIds.push(fresh)
    if (i % 10 === 0) {
      const other = ids[Math.floor(rng.uniform() * ids.length)]
      const kind = i % 20 === 0 ? 'identify' : 'alias'
      links.push({ kind, fromId: kind === 'identify' ? other : fresh, toId: kind === 'identify' ? fresh : other, source: 'web', messageId: `m-${b}-${i}`, ts: T0 + i })
    }
  }
  return { keyIds, links, userIds }
}

// Wall time, and the process's CPU time (the machine may be shared: CPU time is the work itself).
const applyTimes: number[] = []
const applyCpu: number[] = []
const batches: IdentityChanges[] = []
for (let b = 0; b < BATCHES; b++) {
  const { keyIds, links, userIds } = makeBatch(b)
  t = performance.now()
  const cpu = process.cpuUsage()
  batches.push(graph.apply(keyIds, links, T0 + 86_400_000 + b * 1000, userIds))
  const used = process.cpuUsage(cpu)
  applyTimes.push(performance.now() - t)
  applyCpu.push((used.user + used.system) / 1000)
}
applyTimes.sort((a, b) => a - b)
applyCpu.sort((a, b) => a - b)
const last = batches[batches.length - 1]
const outcomes = new Map<string, number>()
for (const c of batches) for (const l of c.links) outcomes.set(l.outcome, (outcomes.get(l.outcome) ?? 0) + 1)
console.log(
  `apply: ${BATCHES} batches of ${fmt(BATCH_KEYS)} key ids (${fmt(last.links.length)} links, ${fmt(last.assignments.length)} assignments in the last): ` +
    `wall median ${fmt(applyTimes[applyTimes.length >> 1], 1)} ms, max ${fmt(applyTimes[applyTimes.length - 1], 1)} ms; ` +
    `CPU median ${fmt(applyCpu[applyCpu.length >> 1], 1)} ms, max ${fmt(applyCpu[applyCpu.length - 1], 1)} ms; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`,
)

const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-identity-'))
const ch = await openClickHouse({ user: 'default', password: '', database: 'bench_identity', embeddedPath: path.join(dir, 'clickhouse') })
await migrate(ch.client)
try {
  // The whole graph as one change set per 100,000 ids, then the batches' own changes as the processor writes them.
  const all = [...graph.assignments()]
  t = performance.now()
  for (let i = 0; i < all.length; i += 100_000) {
    await storeIdentityChanges(ch.client, { assignments: all.slice(i, i + 100_000), merges: [], links: [], touchedPersons: [], createdPersons: [], version: 1 }, T0)
  }
  const bulkMs = performance.now() - t
  console.log(`store: ${fmt(all.length)} assignments in ${fmt(bulkMs)} ms (${fmt(all.length / (bulkMs / 1000))} rows/s)`)
  const storeTimes: number[] = []
  for (const c of batches) {
    t = performance.now()
    await storeIdentityChanges(ch.client, c, T0)
    storeTimes.push(performance.now() - t)
  }
  storeTimes.sort((a, b) => a - b)
  console.log(`store of one batch's changes: median ${fmt(storeTimes[storeTimes.length >> 1], 1)} ms, max ${fmt(storeTimes[storeTimes.length - 1], 1)} ms`)

  const expected = graph.size
  all.length = 0
  batches.length = 0
  global.gc?.()
  const before = process.memoryUsage.rss()
  peakRss = before
  t = performance.now()
  const cpu = process.cpuUsage()
  const loaded = await loadIdentityGraph(ch.client, Number(values.page))
  const loadMs = performance.now() - t
  const loadCpu = process.cpuUsage(cpu)
  sample()
  console.log(
    `load (pages of ${fmt(Number(values.page))}): ${fmt(loaded.size)} ids (expected ${fmt(expected)}), ${fmt(loaded.personCount)} persons in ${fmt(loadMs)} ms ` +
      `(process CPU ${fmt((loadCpu.user + loadCpu.system) / 1000)} ms, the engine's threads included) ` +
      `(${fmt(loaded.size / (loadMs / 1000))} ids/s); rss ${mb(before)} before, peak ${mb(peakRss)} during`,
  )
} finally {
  clearInterval(sampler)
  await ch.close()
  rmSync(dir, { recursive: true, force: true })
}
