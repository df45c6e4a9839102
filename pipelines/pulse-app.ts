// The composition root: the only place that creates clients (NATS, ClickHouse, HTTP) and wires
// the parts together. Everything else receives what it needs.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import type { FastifyInstance } from 'fastify'
import pino, { type Logger } from 'pino'
import { Registry, collectDefaultMetrics } from 'prom-client'
import { registerCaptureRoutes } from '../ingest/capture/capture-routes.ts'
import { createHttpServer } from '../ingest/http-server.ts'
import { ingestMetrics } from '../ingest/capture/ingest-metrics.ts'
import { registerOpsRoutes } from '../ingest/ops/ops-routes.ts'
import { jetStreamPublisher } from '../ingest/capture/request-publisher.ts'
import { WriteKeys } from '../ingest/capture/write-keys.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { migrate } from '../sql/migrate.ts'
import { clickHouseTarget, type PulseConfig } from './config.ts'
import { loadOrCreateDevKeys } from './keys/dev-keys.ts'
import { lockDataFolder } from './runtime/data-folder-lock.ts'
import { PAYLOAD_HEADROOM, startNatsServer, type EmbeddedNats } from './runtime/embedded-nats.ts'
import { backlogGuard, sampleStream } from './stream/backlog-guard.ts'
import { clickHouseSink, tagStateStoreFault } from './stream/clickhouse-sink.ts'
import { canLowerReadThreads, deprioritiseEngineThreads } from './runtime/engine-thread-priority.ts'
import { ensureStream } from './stream/jetstream-setup.ts'
import { ensureChangesStream } from './stream/changes-stream.ts'
import { changePublisher } from './stream/change-publisher.ts'
import { EVENTS_SUBJECT, REJECTED_SUBJECT } from '../models/events/stream-contract.ts'
import { ProcessingWorker } from './stream/processing-pool.ts'
import { processorMetrics } from './stream/processor-metrics.ts'
import { removeServerFile, runningServer, writeServerFile } from './runtime/server-file.ts'
import { armShutdownWatchdog } from './runtime/shutdown-watchdog.ts'
import { streamMetrics } from './stream/stream-metrics.ts'
import { streamTrimmer } from './stream/stream-trimmer.ts'
import { userError } from './cli/user-error.ts'
import { consumerLeaderProbe } from './stream/consumer-leader.ts'
import { StreamProcessor } from './stream/stream-processor.ts'
import { refreshLtv, type LtvRefreshResult } from './jobs/ltv-refresh.ts'
import { RefitQueue } from './jobs/refit-queue.ts'
import { registerLtvRoutes } from '../ingest/api/ltv-routes.ts'
import { registerReadApi } from './read-api.ts'
import { clockFor, type Clock } from './clock.ts'
import { startProfileSystem, type ProfileSystem } from './profile-system.ts'
import { ApiKeys } from '../ingest/api/api-keys.ts'
import { CAPTURE_PATHS } from '../ingest/capture/capture-paths.ts'

export interface RunningPulse {
  url: string
  port: number
  config: PulseConfig
  writeKeys: PulseConfig['writeKeys']
  readKeys: string[]
  adminKeys: string[]
  /** Keys generated because none were configured (printed by `pulse serve`). */
  devKeysCreated: boolean
  clickhouse: ClickHouse
  nc: NatsConnection
  js: JetStreamClient
  natsUrl: string
  /** The private nats-server, when no --nats-url was given. */
  embeddedNats: EmbeddedNats | undefined
  log: Logger
  processor: StreamProcessor | undefined
  /** Persons, features and tags, when this process keeps them (the processor runs, --no-profiles not given). */
  profiles: ProfileSystem | undefined
  stop(): Promise<void>
}

/**
 * Runs the cleanup within `timeoutMs`. Past it the nats-server child is stopped and the promise
 * rejects (`pulse serve` exits 1); if the main thread itself is held, the watchdog ends the process.
 */
async function stopWithin(timeoutMs: number, cleanup: () => Promise<void>, nats: EmbeddedNats | undefined, log: Logger): Promise<void> {
  const watchdog = armShutdownWatchdog(timeoutMs + WATCHDOG_GRACE_MS, nats?.process.pid ? [nats.process.pid] : [])
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))
  try {
    if ((await Promise.race([cleanup().then(() => 'done' as const), timedOut])) === 'timeout') {
      log.warn({ timeoutMs }, 'graceful shutdown timed out; unacked messages will be redelivered')
      await nats?.stop()
      throw new Error(`shutdown did not finish within ${timeoutMs} ms (--shutdown-timeout-ms)`)
    }
  } finally {
    clearTimeout(timer)
    watchdog.disarm()
  }
}

export async function connectNats(servers: string, name: string): Promise<NatsConnection> {
  // noAsyncTraces: the client otherwise captures a stack trace for every publish and ack, a
  // twentieth of the main thread at full load; our errors carry their own context.
  return connect({ servers: servers.split(','), name, maxReconnectAttempts: -1, reconnectTimeWait: 250, pingInterval: 5000, noAsyncTraces: true })
}

interface Keys {
  writeKeys: PulseConfig['writeKeys']
  readKeys: string[]
  adminKeys: string[]
  created: boolean
}

function withDefaultKeys(config: PulseConfig): Keys {
  if (config.writeKeys.length || config.readKeys.length || config.adminKeys.length) {
    return { writeKeys: config.writeKeys, readKeys: config.readKeys, adminKeys: config.adminKeys, created: false }
  }
  const { keys, created } = loadOrCreateDevKeys(config.dataDir)
  return { writeKeys: [{ key: keys.writeKey, source: 'default' }], readKeys: [keys.readKey], adminKeys: [keys.adminKey], created }
}

/** The watchdog fires this long after --shutdown-timeout-ms, if the main thread could not end the process. */
const WATCHDOG_GRACE_MS = 3000

export interface StartOptions {
  /** The clock features and tags read (tests move a FixedClock); default: --now, else the system clock. */
  clock?: Clock
}

export async function startPulse(config: PulseConfig, log: Logger = pino({ level: config.logLevel }), options: StartOptions = {}): Promise<RunningPulse> {
  mkdirSync(config.dataDir, { recursive: true })
  // Checked before anything starts: a second Pulse would stop the first one's nats-server.
  const other = runningServer(config.dataDir)
  if (other && other.pid !== process.pid) {
    throw userError(`a Pulse (pid ${other.pid}) is already serving ${config.dataDir} at ${other.url}: stop it first, or use another --data-dir`)
  }
  const lock = await lockDataFolder(config.dataDir)
  const keys = withDefaultKeys(config)
  const cleanups: Array<() => Promise<unknown>> = [() => lock.release()]
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((err) => log.warn({ err: String(err) }, 'shutdown step failed'))
  }
  try {
    let embeddedNats: EmbeddedNats | undefined
    if (!config.natsUrl) {
      embeddedNats = await startNatsServer(path.join(config.dataDir, 'nats'), undefined, {
        maxPayload: config.maxBodyBytes + PAYLOAD_HEADROOM,
        onRestart: ({ code, signal, restarted, error }) =>
          restarted
            ? log.error({ code, signal }, 'the embedded nats-server exited by itself and was started again')
            : log.error({ code, signal, error }, 'the embedded nats-server exited by itself and could not be started again yet: ingest answers 503 while Pulse keeps trying'),
      })
      cleanups.push(() => embeddedNats!.stop())
    }
    const natsUrl = config.natsUrl ?? embeddedNats!.url
    const nc = await connectNats(natsUrl, 'pulse')
    cleanups.push(() => nc.drain())
    const streamSettings = { stream: config.stream, consumer: config.consumer, maxBytes: config.maxStreamBytes, replicas: config.streamReplicas, ackWaitMs: config.ackWaitMs }
    await ensureStream(nc, streamSettings)
    await ensureChangesStream(nc, { stream: config.changesStream, maxAgeMs: config.changesMaxAgeHours * 3600_000, maxBytes: config.changesMaxBytes, replicas: config.streamReplicas })
    const js = jetstream(nc)

    const clickhouse = await openClickHouse(clickHouseTarget(config))
    cleanups.push(() => clickhouse.close())
    await migrate(clickhouse.client)
    if (config.faults.stuckShutdown) {
      cleanups.push(async () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3_600_000))
    }
    if (clickhouse.embedded) {
      const stopRenicing = deprioritiseEngineThreads()
      cleanups.push(async () => stopRenicing())
      if (canLowerReadThreads() === false) log.warn('no CAP_SYS_NICE: analyst queries and analyses run at nice 10 beside ingest\'s engine work, not at 19 below it (give the process CAP_SYS_NICE, or lower --query-threads to 1)')
    }

    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    const consumer = await js.consumers.get(config.stream, config.consumer)
    let processor: StreamProcessor | undefined
    let profiles: ProfileSystem | undefined
    const clock = options.clock ?? clockFor(config.now)
    let onLagSample: ((undelivered: number) => void) | undefined
    if (config.processor) {
      const pm = processorMetrics(registry)
      onLagSample = (undelivered) => pm.consumerLag.set(undelivered)
      const crash = config.faults.crashAfterInsert ? () => process.kill(process.pid, 'SIGKILL') : undefined
      if (config.profiles) {
        // A session of its own: the profile stage's reads and inserts run beside the event inserts.
        const session = await clickhouse.writeSession()
        profiles = await startProfileSystem({
          client: session.client, insert: session, nc, natsServers: natsUrl, clock, settings: config.profilesSettings, sweepSeconds: config.tagSweepSeconds, audiencePushSeconds: config.audiencePushSeconds, changesStream: config.changesStream, log: log.child({ part: 'profiles' }),
          beforeTagStateStore: tagStateStoreFault(config.faults.failTagStateStores),
          failProfileComputeMatching: config.faults.failProfileComputeMatching,
        })
        // Pushed before the processor's: stopped after it, once the last batch went through the stage.
        cleanups.push(() => profiles!.stop())
      }
      // After a lost pull: wait for the consumer's leader, and create the stream or consumer again if gone.
      const consumerLed = consumerLeaderProbe(nc, config.stream, config.consumer, {
        recreate: async () => {
          log.warn({ stream: config.stream, consumer: config.consumer }, 'the events stream or its consumer is gone: creating them again as at start')
          await ensureStream(nc, streamSettings)
        },
      })
      processor = new StreamProcessor(
        consumer,
        clickHouseSink(clickhouse, config.faults, config.profiles ? await clickhouse.writeSession() : clickhouse),
        new ProcessingWorker({ limits: { maxEventBytes: config.maxEventBytes }, refuseRowsMatching: config.faults.refuseRowsMatching, failProcessingMatching: config.faults.failProcessingMatching, features: config.profiles ? config.profilesSettings.features : null }),
        { batchSize: config.batchSize, batchAgeMs: config.batchAgeMs, batchAgeBehindMs: config.batchAgeBehindMs, maxDeliver: config.maxDeliver, ackWaitMs: config.ackWaitMs, afterInsert: crash, afterStore: profiles && ((ids) => profiles!.stage.afterStore(ids)), consumerLed },
        pm,
        log.child({ part: 'processor' }),
      )
      await processor.start()
      cleanups.push(() => processor!.stop())
      // Runs before the processor's stop: a sweep in the profile queue would hold its last batches.
      cleanups.push(async () => profiles?.halt())
      void (async () => {
        for await (const s of nc.status()) if (s.type === 'reconnect') processor!.restartConsume()
      })()
    }

    const app: FastifyInstance = await createHttpServer(log, {
      maxRawBodyBytes: config.maxBodyBytes,
      corsPaths: CAPTURE_PATHS,
      trustProxy: config.trustProxy,
      requestTimeoutMs: config.requestTimeoutMs,
    })
    // One sampling of the stream and its consumer serves the 429 guard, the metrics and the trimmer.
    const jsm = await jetstreamManager(nc)
    const trimmer = streamTrimmer(jsm, { stream: config.stream, maxStreamBytes: config.maxStreamBytes, trimPercent: config.streamTrimPercent }, log.child({ part: 'trimmer' }))
    const showStream = streamMetrics(registry)
    const guard = backlogGuard(
     () => sampleStream(jsm, config.stream, config.consumer),
      { maxMessages: config.maxBacklog, maxBytes: config.maxBacklogBytes || config.maxStreamBytes / 2 },
     (s) => {
        onLagSample?.(s.undelivered)
        showStream(s)
        trimmer.onSample(s)
      },
    )
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
    const apiKeys = new ApiKeys(keys.readKeys, keys.adminKeys)
    await registerReadApi(app, { clickhouse, config, clock, keys: apiKeys, profiles: () => profiles, changes: changePublisher(nc), beforeTagStateStore: tagStateStoreFault(config.faults.failTagStateStores) })
    // One refit at a time, each of the as_of it was asked for; on demand (HTTP) and every --ltv-refresh-minutes.
    const refits = new RefitQueue<LtvRefreshResult | null>(async (asOf) => {
      const fit = await refreshLtv(clickhouse, config, asOf ?? Date.now(), Date.now())
      // In the background: re-tagging everyone must hold up neither the refit's answer nor a shutdown.
      void profiles?.afterRefit().catch((err) => log.warn({ err: String(err) }, 'tag thresholds could not be refreshed after the refit; the next refit retries'))
      if (fit?.converged) log.info({ customers: fit.customers, seconds: fit.seconds, version: fit.model_version }, 'customer-value models refitted')
      else if (fit) log.warn({ customers: fit.customers, version: fit.model_version }, 'customer-value fit did not converge: kept the previous scores')
      return fit
    })
    registerLtvRoutes(app, {
      keys: apiKeys,
      now: () => clock.now(),
      refresh: async (asOf) => {
        const queued = await refits.refit(asOf)
        if (queued.status === 'busy') return { status: 'busy', waiting: queued.waiting }
        return queued.result ? { status: 'fitted', fit: queued.result } : { status: 'no_purchases' }
      },
    })
    cleanups.push(() => refits.idle())
    if (config.ltvRefreshMinutes > 0) {
      const timer = setInterval(() => void refits.refit().catch((err) => log.warn({ err: String(err) }, 'customer-value refit failed')), config.ltvRefreshMinutes * 60_000)
      timer.unref()
      cleanups.push(async () => clearInterval(timer))
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
    const stop = () => (stopped ??= stopWithin(config.shutdownTimeoutMs, cleanup, embeddedNats, log))
    return { url, port, config, writeKeys: keys.writeKeys, readKeys: keys.readKeys, adminKeys: keys.adminKeys, devKeysCreated: keys.created, clickhouse, nc, js, natsUrl, embeddedNats, log, processor, profiles, stop }
  } catch (err) {
    await cleanup()
    throw err
  }
}
