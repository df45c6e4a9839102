// Creates (or updates) the EVENTS stream and the durable pull consumer that processors share.
import { AckPolicy, DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType, jetstreamManager, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream'
import { nanos, type NatsConnection } from '@nats-io/nats-core'
import { EVENTS_SUBJECT, REJECTED_SUBJECT } from '../../models/events/stream-contract.ts'

export interface StreamSettings {
  stream: string
  consumer: string
  maxBytes: number
  replicas: number
  /** How long a delivered, unacked message waits before redelivery (its processor may be dead). */
  ackWaitMs: number
}

/** Identical retried requests within this window are stored once by JetStream itself. */
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000

/** How long startup keeps trying while a NATS cluster has no leader for the stream (an election, a node starting). */
const SETUP_PATIENCE_MS = 30_000
const TRANSIENT = /timeout|no responders|temporarily unavailable|jetstream not enabled|no suitable peers/i

/** Runs a stream setup step again while the cluster answers with a passing error, up to SETUP_PATIENCE_MS. */
export async function withSetupPatience<T>(step: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + SETUP_PATIENCE_MS
  for (;;) {
    try {
      return await step()
    } catch (e) {
      if (!TRANSIENT.test(String((e as Error).message ?? e)) || Date.now() > deadline) throw e
      await new Promise((r) => setTimeout(r, 500))
    }
  }
}

/** Creates the stream, or brings an existing one to `config`. */
export async function addOrUpdateStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.info(config.name)
    await jsm.streams.update(config.name, config)
  } catch (e) {
    if (!String((e as Error).message).includes('not found')) throw e
    await jsm.streams.add(config)
  }
}

export async function ensureStream(nc: NatsConnection, s: StreamSettings): Promise<void> {
  return withSetupPatience(() => ensureStreamOnce(nc, s))
}

async function ensureStreamOnce(nc: NatsConnection, s: StreamSettings): Promise<void> {
  const jsm = await jetstreamManager(nc)
  const config = {
    name: s.stream,
    subjects: [`${EVENTS_SUBJECT}.>`, `${REJECTED_SUBJECT}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    // When full the stream refuses new requests (ingest answers 429) instead of dropping its oldest,
    // which may not be processed yet; processed ones are purged by the stream trimmer.
    discard: DiscardPolicy.New,
    max_bytes: s.maxBytes,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: s.replicas,
  }
  await addOrUpdateStream(jsm, config)
  await ensureConsumer(nc, s.stream, s.consumer, s.ackWaitMs)
}

export const DEFAULT_ACK_WAIT_MS = 60_000

export async function ensureConsumer(nc: NatsConnection, stream: string, consumer: string, ackWaitMs = DEFAULT_ACK_WAIT_MS): Promise<void> {
  const jsm = await jetstreamManager(nc)
  try {
    const info = await jsm.consumers.info(stream, consumer)
    if (info.config.ack_wait !== nanos(ackWaitMs)) await jsm.consumers.update(stream, consumer, { ack_wait: nanos(ackWaitMs) })
  } catch (e) {
    if (!String((e as Error).message).includes('not found')) throw e
    await jsm.consumers.add(stream, {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: 100_000,
      // Deliveries are counted by the processor, which dead-letters a message whole past --max-deliver.
      max_deliver: -1,
    })
  }
}

/** Reprocess the whole stream: recreate the durable consumer from the first message. */
export async function replayFromStart(nc: NatsConnection, stream: string, consumer: string, ackWaitMs = DEFAULT_ACK_WAIT_MS): Promise<void> {
  const jsm = await jetstreamManager(nc)
  try {
    await jsm.consumers.delete(stream, consumer)
  } catch (e) {
    if (!String((e as Error).message).includes('not found')) throw e
  }
  await ensureConsumer(nc, stream, consumer, ackWaitMs)
}
