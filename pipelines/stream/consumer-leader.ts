// Waiting for the durable consumer to have a leader again. When the NATS node leading the
// consumer dies, its replicas elect another after the raft election timeout (seconds, chosen at
// random by nats-server). A pull sent meanwhile is only known unanswered after two missed
// heartbeats, so retrying pulls finds the new leader up to 1.5 s late each time; asking for the
// consumer's info with a short timeout, a few times a second, finds it within a quarter second.
import type { NatsConnection } from '@nats-io/nats-core'

export interface LeaderProbeOptions {
  /** Between two unanswered questions. */
  pollMs?: number
  /** How long one question waits for its answer. */
  answerMs?: number
  /**
   * Called while the answer says the stream or the consumer is gone (deleted by hand, or a server
   * whose store was lost), at most every RECREATE_EVERY_MS: creates them again as at start.
   */
  recreate?: () => Promise<void>
}

/** JetStream's error codes for a consumer and a stream that do not exist. */
const CONSUMER_NOT_FOUND = 10014
const STREAM_NOT_FOUND = 10059
const RECREATE_EVERY_MS = 5000

/** The consumer's info, as much of it as the probe reads. */
interface ConsumerInfoAnswer {
  error?: { code: number; err_code?: number; description: string }
  cluster?: { leader?: string }
}

/**
 * A function that resolves once the consumer answers through a leader (or `stopped()` turns true).
 * On a single server (no `cluster` in the answer) any answer will do.
 */
export function consumerLeaderProbe(nc: NatsConnection, stream: string, consumer: string, opts: LeaderProbeOptions = {}): (stopped: () => boolean) => Promise<void> {
  const pollMs = opts.pollMs ?? 250
  const answerMs = opts.answerMs ?? 500
  const subject = `$JS.API.CONSUMER.INFO.${stream}.${consumer}`
  let missing = false
  let recreatedAt = -Infinity
  const led = async (): Promise<boolean> => {
    missing = false
    if (nc.isClosed()) return false
    try {
      const info = (await nc.request(subject, undefined, { timeout: answerMs })).json<ConsumerInfoAnswer>()
      missing = info.error?.err_code === CONSUMER_NOT_FOUND || info.error?.err_code === STREAM_NOT_FOUND
      return !info.error && (info.cluster === undefined || Boolean(info.cluster.leader))
    } catch {
      return false
    }
  }
  return async (stopped) => {
    while (!stopped() && !(await led())) {
      if (missing && opts.recreate && Date.now() - recreatedAt >= RECREATE_EVERY_MS) {
        recreatedAt = Date.now()
        await opts.recreate().catch(() => {})
        continue
      }
      await new Promise((r) => setTimeout(r, pollMs))
    }
  }
}
