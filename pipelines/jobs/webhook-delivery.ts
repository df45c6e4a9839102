// POSTs tag changes and alerts to the configured webhooks. Each webhook reads the changes stream
// through its own durable consumer filtered by its subject pattern, with at most `maxInFlight`
// messages unacked, so a slow or dead receiver holds only its own messages and never the
// processor or ingest. A 2xx answer acks; anything else is retried after a growing wait (1 s
// doubling to 5 min) until the message is older than `maxRetryAgeMs`, when it is recorded as failed.
import { createHash } from 'node:crypto'
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream'
import { nanos, type NatsConnection } from '@nats-io/nats-core'
import type { ClickHouseClient } from '@clickhouse/client'
import type { Logger } from 'pino'
import { FIRST_RETRY_MS, retryDelayMs } from '../../models/tags/retry-backoff.ts'
import { resolveWebhook, type ResolvedWebhook, type WebhookConfig } from '../../models/tags/webhook-config.ts'
import { webhookSignature } from '../../models/tags/webhook-signature.ts'
import { deliveryLog, type DeliveryAttempt } from '../../sql/profiles/webhook-delivery-log.ts'
import { CHANGES_STREAM } from '../stream/changes-stream.ts'

export interface WebhookDeliveryOptions {
  stream?: string
  log: Logger
  /** How often attempts are written to webhook_deliveries. */
  logFlushMs?: number
}

export interface WebhookDelivery {
  /** Writes the attempts gathered so far to webhook_deliveries. */
  flushLog(): Promise<void>
  stop(): Promise<void>
}

const CONSUMER_PREFIX = 'webhook_'

/** A stable durable name per webhook name: a restart resumes where the webhook was. */
export function webhookConsumerName(w: Pick<ResolvedWebhook, 'name'>): string {
  return CONSUMER_PREFIX + createHash('sha256').update(w.name).digest('hex').slice(0, 16)
}

/** Redelivered by the server only if Pulse died mid-request: the request timeout and a margin. */
const ackWaitMs = (w: ResolvedWebhook) => w.timeoutMs + 30_000

async function ensureWebhookConsumer(nc: NatsConnection, stream: string, w: ResolvedWebhook): Promise<string> {
  const jsm = await jetstreamManager(nc)
  const name = webhookConsumerName(w)
  const settings = { filter_subject: w.subjects, max_ack_pending: w.maxInFlight, ack_wait: nanos(ackWaitMs(w)) }
  const existing = await jsm.consumers.info(stream, name).catch((e: Error) => {
    if (!String(e.message).includes('not found')) throw e
    return undefined
  })
  // nats-server 2.9 cannot change a consumer's filter: a webhook given other subjects starts afresh.
  if (existing && existing.config.filter_subject !== w.subjects) await jsm.consumers.delete(stream, name)
  if (existing && existing.config.filter_subject === w.subjects) await jsm.consumers.update(stream, name, settings)
  // A webhook added later receives the changes from then on, not the stream's whole history.
  else await jsm.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, max_deliver: -1, ...settings })
  return name
}

export async function startWebhookDelivery(nc: NatsConnection, client: ClickHouseClient, webhooks: WebhookConfig[], opts: WebhookDeliveryOptions): Promise<WebhookDelivery> {
  const resolved = webhooks.map(resolveWebhook)
  const names = new Set<string>()
  for (const w of resolved) {
    if (names.has(w.name)) throw new Error(`two webhooks are named ${JSON.stringify(w.name)}: give each a different name`)
    names.add(w.name)
  }
  const stream = opts.stream ?? CHANGES_STREAM
  const log = deliveryLog(client, {
    flushMs: opts.logFlushMs,
    onError: (err, dropped) => opts.log.warn({ err: String(err), dropped }, 'could not write webhook deliveries; kept for the next try'),
  })
  // Stopping cuts requests still waiting for an answer: they are tried again at the next start.
  const stopping = new AbortController()
  const js = jetstream(nc)
  const runs: Array<{ messages: ConsumerMessages; done: Promise<void> }> = []
  let stopped: Promise<void> | undefined
  const stop = () =>
    (stopped ??= (async () => {
      for (const r of runs) r.messages.stop()
      stopping.abort()
      await Promise.all(runs.map((r) => r.done))
      await log.stop()
    })())
  try {
    for (const w of resolved) {
      const consumer = await js.consumers.get(stream, await ensureWebhookConsumer(nc, stream, w))
      const messages = await consumer.consume({ max_messages: w.maxInFlight })
      const wlog = opts.log.child({ webhook: w.name })
      const done = deliverAll(messages, w, log.record, stopping.signal, wlog).catch((err) =>
        wlog.error({ err: String(err) }, 'webhook delivery stopped: its messages wait in the changes stream until Pulse is restarted'),
      )
      runs.push({ messages, done })
    }
  } catch (err) {
    await stop()
    throw err
  }
  return { flushLog: () => log.flush(), stop }
}

async function deliverAll(messages: ConsumerMessages, w: ResolvedWebhook, record: (a: DeliveryAttempt) => void, stop: AbortSignal, log: Logger): Promise<void> {
  const inFlight = new Set<Promise<void>>()
  for await (const m of messages) {
    while (inFlight.size >= w.maxInFlight) await Promise.race(inFlight)
    const p: Promise<void> = deliverOne(m, w, record, stop)
      .catch((err) => log.warn({ err: String(err) }, 'webhook delivery step failed; the message is redelivered'))
      .finally(() => inFlight.delete(p))
    inFlight.add(p)
  }
  await Promise.all(inFlight)
}

async function deliverOne(m: JsMsg, w: ResolvedWebhook, record: (a: DeliveryAttempt) => void, stop: AbortSignal): Promise<void> {
  const body = m.string()
  // The publisher's message id: the same for every attempt, so a receiver can drop repeats.
  const deliveryId = m.headers?.get('Nats-Msg-Id') || `${m.info.stream}-${m.info.streamSequence}`
  const attempt = m.info.deliveryCount
  const timestamp = String(Math.floor(Date.now() / 1000))
  const started = performance.now()
  let httpStatus: number | null = null
  let error = ''
  // A plain timer rather than AbortSignal.timeout/any, whose abort can come minutes late under
  // garbage-collection churn on Node 20 (the request then waits for undici's own 300 s limit).
  const aborter = new AbortController()
  const onStop = () => aborter.abort(stop.reason)
  stop.addEventListener('abort', onStop)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    aborter.abort()
  }, w.timeoutMs)
  try {
    const res = await fetch(w.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Pulse-Webhooks',
        'pulse-signature': webhookSignature(w.secret, timestamp, body),
        'pulse-timestamp': timestamp,
        'pulse-delivery': deliveryId,
      },
      body,
      redirect: 'manual',
      signal: aborter.signal,
    })
    httpStatus = res.status
    await res.body?.cancel()
    if (res.status < 200 || res.status > 299) error = `the receiver answered ${res.status}`
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } }
    error = timedOut ? `no answer within ${w.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message)
  } finally {
    clearTimeout(timer)
    stop.removeEventListener('abort', onStop)
  }
  const durationMs = performance.now() - started
  const now = Date.now()
  const base = { webhook: w.name, subject: m.subject, deliveryId, attempt, httpStatus, durationMs, at: now }
  if (!error) {
    m.ack()
    record({ ...base, status: 'delivered', error })
    return
  }
  if (stop.aborted) {
    // With a delay: nats-server 2.9 does not count a delivery nak'd without one, and the attempt
    // numbers of the log would repeat.
    m.nak(FIRST_RETRY_MS)
    record({ ...base, status: 'retrying', error: 'Pulse stopped before an answer came' })
    return
  }
  const wait = retryDelayMs(attempt)
  const publishedAt = Number(m.info.timestampNanos) / 1e6
  if (now + wait - publishedAt > w.maxRetryAgeMs) {
    // No reason text: nats-server 2.9 ignores a `+TERM <reason>` and would redeliver the message.
    m.term()
    record({ ...base, status: 'failed', error })
  } else {
    m.nak(wait)
    record({ ...base, status: 'retrying', error })
  }
}
