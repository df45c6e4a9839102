// bench/change-publishing: what publishing tag changes on the changes stream costs, per change: the
// publisher's CPU (pipelines/stream/change-publisher.ts: every change sent with a reply subject
// under one inbox, acknowledgements counted on one subscription) and nats-server's, against the
// client's own JetStream publish (`js.publish`, a request per change, 500 in flight) as the
// baseline, each on a fresh embedded nats-server and stream; then nats-server's RSS, which holds
// every message id of the stream's duplicate window.
// Usage: npm run bench:changes -- [--changes 200000]
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { jetstream } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { tagChangeBody, tagChangeMessageId } from '../models/tags/change-message.ts'
import { tagChangeSubject } from '../models/tags/change-subjects.ts'
import type { TagChange } from '../models/tags/tag-change.ts'
import { startNatsServer } from '../pipelines/runtime/embedded-nats.ts'
import { changePublisher } from '../pipelines/stream/change-publisher.ts'
import { CHANGES_STREAM, ensureChangesStream } from '../pipelines/stream/changes-stream.ts'
import { cpuSeconds, fmt, rssMb } from './bench-harness.ts'

const { values } = parseArgs({ options: { changes: { type: 'string', default: '200000' } } })
const N = Number(values.changes)
const BATCH = 5000
const TAGS = ['lifecycle:new', 'lifecycle:prospect', 'region:north', 'favourite_category:books', 'high_frequency']

/** Changes as the profile stage makes them: each person once, a few catalog tags, a small reason. */
function changesFrom(start: number, count: number, at: number): TagChange[] {
  return Array.from({ length: count }, (_, k) => {
    const i = start + k
    return { personId: `p_${i.toString(36)}_0123456789abcdef`, ids: [`user-${i}`], tag: TAGS[i % TAGS.length], layer: 'lifecycle', change: 'added', at, reason: { activity_30d: 10, orders_total: 2, spend_365d: 39.8 }, basis: 0 }
  })
}

type Publish = (changes: TagChange[]) => Promise<void>

async function run(name: string, makePublish: (nc: Awaited<ReturnType<typeof connect>>) => Publish): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-changes-'))
  const nats = await startNatsServer(dir)
  const nc = await connect({ servers: nats.url, noAsyncTraces: true })
  try {
    await ensureChangesStream(nc, { stream: CHANGES_STREAM, maxAgeMs: 86_400_000, maxBytes: 10 * 1024 ** 3, replicas: 1 })
    const publish = makePublish(nc)
    const pid = nats.process.pid!
    const serverBefore = cpuSeconds(pid)
    const mine = process.cpuUsage()
    const started = performance.now()
    for (let i = 0; i < N; i += BATCH) await publish(changesFrom(i, Math.min(BATCH, N - i), Date.now()))
    const seconds = (performance.now() - started) / 1000
    const own = process.cpuUsage(mine)
    const server = cpuSeconds(pid) - serverBefore
    const us = (s: number) => ((s / N) * 1e6).toFixed(1)
    console.log(`  ${name.padEnd(22)} ${fmt(N / seconds)} changes/s; CPU per change: publisher ${us((own.user + own.system) / 1e6)} us, nats-server ${us(server)} us; nats-server RSS ${rssMb(pid).toFixed(0)} MB after ${fmt(N)} ids in the window`)
  } finally {
    await nc.close()
    await nats.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

console.log(`bench/change-publishing: ${fmt(N)} tag changes in batches of ${fmt(BATCH)}, ${os.cpus().length} cores`)
// Baseline first, then Pulse's publisher, then the baseline again: the machine's pace drifts.
const baseline = (nc: Awaited<ReturnType<typeof connect>>): Publish => {
  const js = jetstream(nc)
  return async (changes) => {
    for (let i = 0; i < changes.length; i += 500) {
      await Promise.all(changes.slice(i, i + 500).map((c) => js.publish(tagChangeSubject(c), JSON.stringify(tagChangeBody(c)), { msgID: tagChangeMessageId(c) })))
    }
  }
}
await run('js.publish (baseline)', baseline)
await run('Pulse change publisher', (nc) => {
  const p = changePublisher(nc)
  return async (changes) => void (await p.publishTagChanges(changes))
})
await run('js.publish (baseline)', baseline)
