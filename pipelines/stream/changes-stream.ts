// Creates (or updates) the stream that keeps published tag changes, alerts and audience change sets, so webhooks read
// them through their own durable consumers at their own pace and a plain NATS subscriber on
// `pulse.tags.>` receives them as they are published. Unlike the events stream it drops its oldest
// messages when full or too old: they are notifications, the tables hold the record.
import { addOrUpdateStream, withSetupPatience } from './jetstream-setup.ts'
import { DiscardPolicy, RetentionPolicy, StorageType, jetstreamManager } from '@nats-io/jetstream'
import { nanos, type NatsConnection } from '@nats-io/nats-core'
import { ALERTS_SUBJECT, AUDIENCES_SUBJECT, TAGS_SUBJECT } from '../../models/tags/change-subjects.ts'

export const CHANGES_STREAM = 'PULSE_CHANGES'

export interface ChangesStreamSettings {
  stream: string
  maxAgeMs: number
  maxBytes: number
  replicas: number
}

/**
 * A batch redelivered to the processor (ack wait 60 s, a restart) is republished within this and
 * stored once. The server keeps every message id of the window in memory (~350 bytes each,
 * bench/RESULTS.md): at a few thousand changes a second an hour held gigabytes, ten minutes hold a
 * sixth of that, as for the events stream (jetstream-setup.ts).
 */
const CHANGES_DUPLICATE_WINDOW_MS = 10 * 60_000

export async function ensureChangesStream(nc: NatsConnection, s: ChangesStreamSettings): Promise<void> {
  return withSetupPatience(() => ensureOnce(nc, s))
}

async function ensureOnce(nc: NatsConnection, s: ChangesStreamSettings): Promise<void> {
  const jsm = await jetstreamManager(nc)
  const config = {
    name: s.stream,
    subjects: [`${TAGS_SUBJECT}.>`, `${ALERTS_SUBJECT}.>`, `${AUDIENCES_SUBJECT}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(s.maxAgeMs),
    max_bytes: s.maxBytes,
    // The window must not exceed max_age (the server refuses it).
    duplicate_window: nanos(Math.min(CHANGES_DUPLICATE_WINDOW_MS, s.maxAgeMs)),
    num_replicas: s.replicas,
  }
  await addOrUpdateStream(jsm, config)
}
