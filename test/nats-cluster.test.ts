// Pulse on a real 3-node NATS JetStream cluster (stream replicas 3): the node leading the stream
// and its consumer is killed with SIGKILL under load and restarted, and no accepted event is lost
// or doubled, with storing back within seconds; and ingest and processing split over processes
// store the same table as one process.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../pipelines/runtime/free-port.ts'
import { consumerLeaderProbe } from '../pipelines/stream/consumer-leader.ts'
import { segmentBatch, sendBatch } from './helpers/event-batches.ts'
import { startCluster, type NatsCluster } from './helpers/nats-cluster.ts'
import { servePulse, stopPulse, waitReady, type PulseProcess } from './helpers/pulse-process.ts'
import { countEvents, sql, startTestPulse, tempDir, waitFor } from './helpers/test-pulse.ts'

const STREAM = 'EVENTS'
const CONSUMER = 'clickhouse-writer'
let cluster: NatsCluster
let nc: NatsConnection
let jsm: JetStreamManager
const pulses: PulseProcess[] = []
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  cluster = await startCluster(3)
  nc = await connect({ servers: cluster.urls.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 250 })
  jsm = await jetstreamManager(nc)
})
afterAll(async () => {
  await Promise.all(pulses.map((p) => stopPulse(p)))
  await nc?.close()
  await cluster?.stop()
})

async function serveOnCluster(name: string, args: string[] = []): Promise<PulseProcess> {
  const p = servePulse(tempDir(name), await freePort(), ['--nats-url', cluster.urls, '--stream-replicas', '3', '--batch-age-ms', '200', ...args])
  pulses.push(p)
  await waitReady(p)
  return p
}

const storedOf = async (url: string, ids: string[]) =>
  ids.length === 0 ? 0 : Number((await sql<{ n: number }>(url, 'SELECT count() AS n FROM events WHERE message_id IN {ids:Array(String)}', { ids }))[0].n)

async function leaders(): Promise<{ stream?: string; consumer?: string }> {
  const [s, c] = await Promise.all([jsm.streams.info(STREAM), jsm.consumers.info(STREAM, CONSUMER)]).catch(() => [undefined, undefined])
  return { stream: s?.cluster?.leader, consumer: c?.cluster?.leader }
}

describe('the node leading the stream and its consumer killed under load', () => {
  it('stores every accepted event exactly once, and storing resumes within 10 s of the kill', async () => {
    const pulse = await serveOnCluster('cluster-kill')
    // Load: four senders, each sending one batch after another and retrying it until accepted, as
    // the SDKs do; with several in flight, some arrive right after the cluster has a new leader.
    const accepted: Array<{ sentAt: number; ids: string[] }> = []
    let loading = true
    const sender = async (first: number) => {
      for (let b = first; b < 5000 && loading; b += 4) {
        const batch = segmentBatch('kill', b, 20)
        for (let attempt = 0; attempt < 300; attempt++) {
          const sentAt = Date.now()
          if ((await sendBatch(pulse.url, batch.body)) === 200) {
            accepted.push({ sentAt, ids: batch.ids })
            break
          }
          await sleep(100)
        }
        await sleep(40)
      }
    }
    const load = Promise.all([0, 1, 2, 3].map(sender))
    try {
      await waitFor(() => countEvents(pulse.url), (c) => c.rows > 0, 20_000)

      // Put the consumer's leader on the stream leader's node (a stepdown elects another at random).
      for (let i = 0; i < 8; i++) {
        const l = await leaders()
        if (l.stream && l.stream === l.consumer) break
        await nc.request(`$JS.API.CONSUMER.LEADER.STEPDOWN.${STREAM}.${CONSUMER}`, undefined, { timeout: 5000 }).catch(() => {})
        await waitFor(leaders, (n) => Boolean(n.consumer && n.stream), 10_000)
      }
      const before = await leaders()
      expect(before.consumer).toBe(before.stream)
      const victim = cluster.nodes.find((n) => n.name === before.stream)!
      const killedAt = Date.now()
      await victim.kill()
      // When the cluster has elected the consumer's new leader (nats-server waits 4-9 s for a lost
      // leader before a follower campaigns): what comes after it is Pulse's own time.
      let consumerLedAt = 0
      const probe = consumerLeaderProbe(nc, STREAM, CONSUMER, { pollMs: 100, answerMs: 300 })
      void probe(() => consumerLedAt < 0).then(() => (consumerLedAt ||= Date.now()))

      // Resumed: an event of a request sent after the kill (and accepted) is stored.
      const resumedAt = await waitFor(
        async () => ((await storedOf(pulse.url, accepted.filter((a) => a.sentAt > killedAt).flatMap((a) => a.ids)).catch(() => 0)) > 0 ? Date.now() : 0),
        (t) => t > 0,
        30_000,
      )
      expect(resumedAt).toBeGreaterThan(0)
      const firstAcceptedAt = accepted.find((a) => a.sentAt > killedAt)!.sentAt
      const bothLedAt = Math.max(firstAcceptedAt, consumerLedAt > 0 ? consumerLedAt : resumedAt)
      consumerLedAt ||= -1
      console.log(`storing resumed ${resumedAt - killedAt} ms after the kill of ${victim.name}; the stream took a request sent at +${firstAcceptedAt - killedAt} ms, the consumer had a leader again ${bothLedAt === firstAcceptedAt ? 'by then' : `at +${bothLedAt - killedAt} ms`}`)
      expect(resumedAt - killedAt).toBeLessThan(10_000)
      // Pulse's part: storing follows the cluster's elections within a batch age and an insert.
      expect(resumedAt - bothLedAt).toBeLessThan(2500)

      await victim.start()
      await sleep(2000) // load continues across the restart
      loading = false
      await load
      const ids = accepted.flatMap((a) => a.ids)
      const c = await waitFor(() => countEvents(pulse.url), (n) => n.rows >= ids.length, 30_000)
      expect(c).toEqual({ rows: ids.length, unique: ids.length })
      expect(await storedOf(pulse.url, ids)).toBe(ids.length)
    } finally {
      // A failed step must not leave the load running into the next test's stream.
      loading = false
      await load
      await stopPulse(pulse)
    }
  })
})

describe('ingest and processing in separate processes', () => {
  it('two ingest-only processes and one processor store the same table as one process', async () => {
    await jsm.streams.delete(STREAM).catch(() => {}) // a fresh stream for this comparison
    const [ingestA, ingestB, processor] = await Promise.all([
      serveOnCluster('cluster-ingest-a', ['--no-processor']),
      serveOnCluster('cluster-ingest-b', ['--no-processor']),
      serveOnCluster('cluster-processor'),
    ])
    const single = await startTestPulse('cluster-single')
    try {
      const batches = Array.from({ length: 30 }, (_, b) => segmentBatch('split', b, 20))
      const total = batches.length * 20
      for (const [b, batch] of batches.entries()) {
        expect(await sendBatch((b % 2 ? ingestB : ingestA).url, batch.body)).toBe(200)
        expect(await sendBatch(single.url, batch.body)).toBe(200)
      }
      await waitFor(() => countEvents(processor.url), (c) => c.rows >= total, 30_000)
      await waitFor(() => countEvents(single.url), (c) => c.rows >= total, 30_000)
      const table = 'SELECT source, message_id, type, event, user_id, anonymous_id, properties FROM events ORDER BY source, message_id'
      const split = await sql(processor.url, table)
      expect(split).toHaveLength(total)
      expect(split).toEqual(await sql(single.url, table))
      const counts = 'SELECT event, count() AS n, uniqExact(user_id) AS users FROM events GROUP BY event ORDER BY event'
      expect(await sql(processor.url, counts)).toEqual(await sql(single.url, counts))
    } finally {
      await single.stop()
    }
  })
})
