// bench/tags: how current the tags are and what keeping them costs.
// 1. Sweep: N persons (default 1,000,000, 5 facts each over a year) in a fresh embedded engine:
//    the time to recompute every person's features and tags and store them (the sweep's pass after
//    a threshold moved; publishing excluded: no NATS here), then a due-only sweep a day later.
// 2. Freshness: a `pulse serve` at --rate events/s (half the sustained rate); every 250 ms a probe
//    files a complaint for a new user and times from its 200 until GET /api/customers/<user>
//    shows `complaint_pending` (target p95 <= 2 s).
// The sustained ingest rate with tagging on and off: `npm run bench:ingest -- --steady N` and
// `... --tagging off` (bench/RESULTS.md).
// Usage: npm run bench:tags -- [--persons 1000000] [--rate 40000] [--seconds 20] [--skip-sweep]
// First: the engine's allocator options are read when chdb loads.
import './engine-allocator-setup.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { IdentityGraph } from '../models/identity/identity-graph.ts'
import { DEFAULT_TAG_SETTINGS } from '../models/tags/tag-settings.ts'
import { TagSweep } from '../pipelines/jobs/tag-sweep.ts'
import { freePort } from '../pipelines/runtime/free-port.ts'
import { CommitOrder, recomputePersons, type RecomputeDeps } from '../pipelines/stream/profile-recompute.ts'
import { ProfileComputeThread } from '../pipelines/stream/profile-compute-thread.ts'
import { ProfileStateCache } from '../pipelines/stream/profile-state-cache.ts'
import { nextStateVersion } from '../pipelines/stream/state-version.ts'
import { openClickHouse } from '../sql/clickhouse-client.ts'
import { migrate } from '../sql/migrate.ts'
import { COMPLAINT_DEADLINES_MS } from '../models/tags/features-from-facts.ts'
import { query } from '../sql/sql-files.ts'
import { BATCH, READ_KEY, WRITE_KEY, fmt, load, serve, stop, waitHttp } from './bench-harness.ts'

const { values } = parseArgs({ options: { persons: { type: 'string', default: '1000000' }, rate: { type: 'string', default: '40000' }, seconds: { type: 'string', default: '20' }, 'skip-sweep': { type: 'boolean', default: false } } })
const DAY = 86_400_000

async function sweepBench(persons: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-tags-'))
  const ch = await openClickHouse({ user: 'default', password: '', database: 'bench_tags', embeddedPath: path.join(dir, 'clickhouse') })
  try {
    await migrate(ch.client)
    const now = Date.UTC(2026, 11, 1)
    let t = performance.now()
    await ch.client.command({ query: query('bench_seed_feature_facts'), query_params: { persons, events: persons * 5, now } })
    console.log(`  seeded ${fmt(persons * 5)} facts for ${fmt(persons)} ids in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    const graph = new IdentityGraph()
    t = performance.now()
    const ids = Array.from({ length: persons }, (_, i) => `bench-user-${i}`)
    for (let i = 0; i < ids.length; i += 20_000) graph.apply(ids.slice(i, i + 20_000), [], now)
    const personIds = [...new Set(ids.map((id) => graph.personOf(id)!))].sort()
    console.log(`  identity graph: ${fmt(personIds.length)} persons in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    const computer = new ProfileComputeThread({ tags: DEFAULT_TAG_SETTINGS, deadlines: { ...COMPLAINT_DEADLINES_MS } })
    const deps: Omit<RecomputeDeps, 'thresholds'> = {
      client: ch.client,
      insert: ch,
      computer,
      idsOf: (p) => [...graph.idsOf(p)],
      version: () => nextStateVersion(),
      states: new ProfileStateCache(),
      commits: new CommitOrder(),
    }
    const full = { ...deps, thresholds: () => ({ clv: null, spend365: null }) }
    t = performance.now()
    let changes = 0
    for (let i = 0; i < personIds.length; i += 5000) changes += (await recomputePersons(full, personIds.slice(i, i + 5000), now)).changes.length
    const fullSeconds = (performance.now() - t) / 1000
    console.log(`  full pass (every person recomputed and stored, as after a refit): ${fmt(personIds.length)} persons in ${fullSeconds.toFixed(1)} s (${fmt(personIds.length / fullSeconds)} persons/s), ${fmt(changes)} tag changes`)
    const sweep = new TagSweep(ch.client, deps, DEFAULT_TAG_SETTINGS.highValue.topShare)
    const due = await sweep.run(now + DAY)
    console.log(`  due-only sweep a day later: ${fmt(due.persons)} persons due, ${fmt(due.tagChanges)} tag changes, ${due.seconds.toFixed(1)} s`)
    await computer.close()
  } finally {
    await ch.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function visibleTag(url: string, user: string): Promise<boolean> {
  const res = await fetch(`${url}/api/customers/${encodeURIComponent(user)}`, { headers: { authorization: `Bearer ${READ_KEY}` } })
  if (res.status !== 200) return false
  const { customer } = (await res.json()) as { customer: { tags: Array<{ tag: string }> } }
  return customer.tags.some((t) => t.tag === 'complaint_pending')
}

async function freshnessBench(rate: number, seconds: number): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-tags-serve-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = serve(dataDir, port)
  try {
    await waitHttp(url + '/readyz')
    let done = false
    const loading = load(url, seconds, 32, Math.max(1, Math.round(rate / BATCH)), 'tags').finally(() => (done = true))
    const latencies: number[] = []
    let failed = 0
    for (let i = 0; !done; i++) {
      const started = performance.now()
      const user = `probe-${i}`
      const body = JSON.stringify({ batch: [{ type: 'track', event: 'Complaint Filed', userId: user, properties: { complaint_id: `c-${i}`, severity: 'normal' } }] })
      const res = await fetch(url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(WRITE_KEY + ':').toString('base64') }, body })
      if (res.status === 200) {
        const accepted = performance.now()
        let seen = false
        while (!seen && performance.now() - accepted < 30_000) {
          seen = await visibleTag(url, user)
          if (!seen) await new Promise((r) => setTimeout(r, 25))
        }
        if (seen) latencies.push(performance.now() - accepted)
        else failed++
      } else failed++
      const wait = 250 - (performance.now() - started)
      if (wait > 0 && !done) await new Promise((r) => setTimeout(r, wait))
    }
    const l = await loading
    latencies.sort((a, b) => a - b)
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN
    console.log(`  load: ${fmt(l.events / l.seconds)} events/s accepted (${l.ok} requests 200, other ${JSON.stringify(l.statuses)})`)
    console.log(`  accepted -> tag visible in GET /api/customers/:id (${latencies.length} probes, ${failed} not seen within 30 s): p50 ${pct(0.5).toFixed(0)} ms, p95 ${pct(0.95).toFixed(0)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(0)} ms`)
  } finally {
    await stop(child)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

console.log(`bench/tags: ${os.cpus().length} cores`)
if (!values['skip-sweep']) await sweepBench(Number(values.persons))
await freshnessBench(Number(values.rate), Number(values.seconds))
