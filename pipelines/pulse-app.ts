// The composition root: the only place that creates clients (NATS, ClickHouse, HTTP) and wires
// the parts together (DESIGN.md, non-negotiable 3). Everything else receives what it needs.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { jetstream, type JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import type { FastifyInstance } from 'fastify'
import pino, { type Logger } from 'pino'
import { Registry, collectDefaultMetrics } from 'prom-client'
import { registerCaptureRoutes } from '../ingest/capture/capture-routes.ts'
import { createHttpServer } from '../ingest/http-server.ts'
import { ingestMetrics } from '../ingest/capture/ingest-metrics.ts'
import { registerOpsRoutes } from '../ingest/ops/ops-routes.ts'
import { registerQueryRoutes } from '../ingest/api/query-routes.ts'
import { jetStreamPublisher } from '../ingest/capture/request-publisher.ts'
import { WriteKeys } from '../ingest/capture/write-keys.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { migrate } from '../sql/migrate.ts'
import type { PulseConfig } from './config.ts'
import { loadOrCreateDevKeys } from './dev-keys.ts'
import { startNatsServer, type EmbeddedNats } from './embedded-nats.ts'
import { backlogGuard } from './stream/backlog-guard.ts'
import { clickHouseSink } from './stream/clickhouse-sink.ts'
import { deprioritiseEngineThreads } from './engine-thread-priority.ts'
import { ensureStream } from './stream/jetstream-setup.ts'
import { EVENTS_SUBJECT, REJECTED_SUBJECT } from '../models/events/stream-contract.ts'
import { ProcessingWorker } from './stream/processing-pool.ts'
import { processorMetrics } from './stream/processor-metrics.ts'
import { removeServerFile, writeServerFile } from './server-file.ts'
import { StreamProcessor } from './stream/stream-processor.ts'
import { refreshLtv, type LtvRefreshResult } from './jobs/ltv-refresh.ts'
import { registerLtvRoutes } from '../ingest/api/ltv-routes.ts'

export interface RunningPulse {
  url: string
  port: number
  config: PulseConfig
  writeKeys: PulseConfig['writeKeys']
  readKeys: string[]
  /** Keys generated because none were configured (printed by `pulse serve`). */
  devKeysCreated: boolean
  clickhouse: ClickHouse
  nc: NatsConnection
  js: JetStreamClient
  natsUrl: string
  log: Logger
  processor: StreamProcessor | undefined
  stop(): Promise<void>
}

export async function connectNats(servers: string, name: string): Promise<NatsConnection> {
  // noAsyncTraces: the client otherwise captures a stack trace for every publish and ack, a
  // twentieth of the main thread at full load; our errors carry their own context.
  return connect({ servers: servers.split(','), name, maxReconnectAttempts: -1, reconnectTimeWait: 250, pingInterval: 5000, noAsyncTraces: true })
}

function withDefaultKeys(config: PulseConfig): { writeKeys: PulseConfig['writeKeys']; readKeys: string[]; created: boolean } {
  if (config.writeKeys.length || config.readKeys.length) return { writeKeys: config.writeKeys, readKeys: config.readKeys, created: false }
  const { keys, created } = loadOrCreateDevKeys(config.dataDir)
  return { writeKeys: [{ key: keys.writeKey, source: 'default' }], readKeys: [keys.readKey], created }
}

export async function startPulse(config: PulseConfig, log: Logger = pino({ level: config.logLevel })): Promise<RunningPulse> {
  mkdirSync(config.dataDir, { recursive: true })
  const keys = withDefaultKeys(config)
  const cleanups: Array<() => Promise<unknown>> = []
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((err) => log.warn({ err: String(err) }, 'shutdown step failed'))
  }
  try {
    let embeddedNats: EmbeddedNats | undefined
    if (!config.natsUrl) {
      embeddedNats = await startNatsServer(path.join(config.dataDir, 'nats'))
      cleanups.push(() => embeddedNats!.stop())
    }
    const natsUrl = config.natsUrl ?? embeddedNats!.url
    const nc = await connectNats(natsUrl, 'pulse')
    cleanups.push(() => nc.drain())
    await ensureStream(nc, { stream: config.stream, consumer: config.consumer, maxBytes: config.maxStreamBytes, replicas: config.streamReplicas })
    const js = jetstream(nc)

    const clickhouse = await openClickHouse({
      url: config.clickhouseUrl,
      user: config.clickhouseUser,
      password: config.clickhousePassword,
      database: config.clickhouseDatabase,
      embeddedPath: path.join(config.dataDir, 'clickhouse'),
    })
    cleanups.push(() => clickhouse.close())
    await migrate(clickhouse.client)
    if (clickhouse.embedded) {
      const stopRenicing = deprioritiseEngineThreads()
      cleanups.push(async () => stopRenicing())
    }

    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    const consumer = await js.consumers.get(config.stream, config.consumer)
    let processor: StreamProcessor | undefined
    let onLagSample: ((undelivered: number) => void) | undefined
    if (config.processor) {
      const pm = processorMetrics(registry)
      onLagSample = (undelivered) => pm.consumerLag.set(undelivered)
      const crash = config.faults.crashAfterInsert ? () => process.kill(process.pid, 'SIGKILL') : undefined
      processor = new StreamProcessor(
        consumer,
        clickHouseSink(clickhouse, config.faults),
        new ProcessingWorker({ limits: { maxEventBytes: config.maxEventBytes }, refuseRowsMatching: config.faults.refuseRowsMatching }),
        { batchSize: config.batchSize, batchAgeMs: config.batchAgeMs, maxDeliver: config.maxDeliver, afterInsert: crash },
        pm,
        log.child({ part: 'processor' }),
      )
      await processor.start()
      cleanups.push(() => processor!.stop())
    }

    const app: FastifyInstance = await createHttpServer(log, config.maxBodyBytes)
    // One sampling of the consumer serves both the 429 guard and the consumer-lag metric.
    const guard = backlogGuard(consumer, config.maxBacklog, onLagSample)
    cleanups.push(async () => guard.stop())
    const publisher = jetStreamPublisher(nc, js, { subjectPrefix: EVENTS_SUBJECT, rejectedPrefix: REJECTED_SUBJECT, overLimit: guard.overLimit })
    registerCaptureRoutes(app, {
      keys: new WriteKeys(keys.writeKeys),
      publisher,
      metrics: ingestMetrics(registry),
      maxBodyBytes: config.maxBodyBytes,
      maxEventBytes: config.maxEventBytes,
      now: Date.now,
    })
    registerQueryRoutes(app, { client: clickhouse.readClient, readKeys: new Set(keys.readKeys), limits: { timeoutS: config.queryTimeoutS, maxRows: config.queryMaxRows } })
    // One refit at a time; on demand (HTTP) and every --ltv-refresh-minutes.
    let refitting: Promise<LtvRefreshResult | null> | undefined
    const refit = (asOf?: number) =>
      (refitting ??= refreshLtv(clickhouse.client, config, asOf ?? Date.now(), Date.now())
        .then((fit) => {
          if (fit) log.info({ customers: fit.customers, seconds: fit.seconds, version: fit.model_version }, 'customer-value models refitted')
          return fit
        })
        .finally(() => (refitting = undefined)))
    registerLtvRoutes(app, { readKeys: new Set(keys.readKeys), refresh: refit })
    if (config.ltvRefreshMinutes > 0) {
      const timer = setInterval(() => void refit().catch((err) => log.warn({ err: String(err) }, 'customer-value refit failed')), config.ltvRefreshMinutes * 60_000)
      timer.unref()
      cleanups.push(async () => {
        clearInterval(timer)
        await refitting?.catch(() => {})
      })
    }
    registerOpsRoutes(app, {
      registry,
      readiness: { nats: async () => publisher.connected(), clickhouse: async () => (await clickhouse.client.ping()).success },
    })
    await app.listen({ port: config.port, host: config.host })
    // The HTTP edge closes first so nothing new is accepted while the rest drains.
    cleanups.push(() => app.close())
    const port = (app.server.address() as { port: number }).port
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`
    writeServerFile(config.dataDir, { url, pid: process.pid })
    cleanups.unshift(async () => removeServerFile(config.dataDir))

    let stopped: Promise<void> | undefined
    const stop = () => {
      stopped ??= Promise.race([
        cleanup(),
        new Promise<void>((resolve) => setTimeout(() => {
          log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'graceful shutdown timed out; unacked messages will be redelivered')
          resolve()
        }, config.shutdownTimeoutMs).unref()),
      ])
      return stopped
    }
    return { url, port, config, writeKeys: keys.writeKeys, readKeys: keys.readKeys, devKeysCreated: keys.created, clickhouse, nc, js, natsUrl, log, processor, stop }
  } catch (err) {
    await cleanup()
    throw err
  }
}
