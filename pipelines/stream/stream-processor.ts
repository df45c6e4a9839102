// The stream processor: pulls requests from the durable consumer, turns them into rows and dead
// letters, inserts them in batches bounded by size and age, and acks the messages only after the
// insert succeeded. A failed insert naks the whole batch with backoff (never acks); a message
// delivered --max-deliver times is dead-lettered whole so one poison message cannot stall the stream.
import { rm } from 'node:fs/promises'
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream'
import type { Logger } from 'pino'
import type { DeadLetterRow } from '../../models/events/event-row.ts'
import type { EncodedRows } from '../../sql/clickhouse-client.ts'
import { storedMessage, wholeMessageLetter } from './message-decoding.ts'
import type { ProcessedMessage, ProcessingWorker, SealedBatch } from './processing-pool.ts'
import type { ProcessorMetrics } from './processor-metrics.ts'

export interface EventSink {
  /** Where the worker should write a batch's rows, or null to have them handed back. */
  spoolFile(): string | null
  /** Inserts a batch's encoded rows (a spooled file is removed afterwards). */
  insertEvents(rows: EncodedRows): Promise<void>
  insertDeadLetters(rows: DeadLetterRow[]): Promise<void>
}

export interface ProcessorOptions {
  batchSize: number
  batchAgeMs: number
  maxDeliver: number
  /** Called after a successful insert and before the ack (fault tests crash here). */
  afterInsert?: () => void
}

interface Batch {
  id: number
  messages: JsMsg[]
  /** Each message's outcome; the worker keeps the encoded rows until the batch is sealed. */
  results: Array<Promise<ProcessedMessage>>
  /** Rows of the results that have arrived (the size bound lags by the worker's queue). */
  rowCount: number
  deadLetters: DeadLetterRow[]
  /** The worker's hand-over of the batch's rows, asked for as the batch closes. */
  sealed?: Promise<SealedBatch>
}

let batchIds = 0
const emptyBatch = (): Batch => ({ id: batchIds++, messages: [], results: [], rowCount: 0, deadLetters: [] })

const PULL_EXPIRES_MS = 5000
const PULL_HEARTBEAT_MS = 500

/** Messages handed to the worker and not yet back; above it the consume loop waits. */
const MAX_QUEUED = 400

/** Redelivery delay after a failed insert: 0.5 s doubling to 30 s. */
export function nakDelayMs(deliveryCount: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, deliveryCount - 1))
}

export class StreamProcessor {
  private batch = emptyBatch()
  private chain: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | undefined
  private messages: ConsumerMessages | undefined
  private loop: Promise<void> | undefined
  private stopping = false
  private flushesPending = 0
  private restarting = false

  constructor(
    private readonly consumer: Consumer,
    private readonly sink: EventSink,
    private readonly worker: ProcessingWorker,
    private readonly opts: ProcessorOptions,
    private readonly metrics: ProcessorMetrics,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.loop = this.consumeForever()
  }

  /** A consume iterator can end (consumer recreated, server restarted): start another until stopped. */
  private async consumeForever(): Promise<void> {
    while (!this.stopping) {
      try {
        // Pull a bounded number of messages ahead: while a flush is awaited the iterator is not
        // drained, which is the backpressure that keeps memory flat when ClickHouse is slow.
        // Short pulls with 0.5 s heartbeats (the client's minimum): a consumer leader lost with its
        // node is noticed after two missed heartbeats (~1 s) rather than at the 30 s default expiry.
        this.messages = await this.consumer.consume({ max_messages: 300, expires: PULL_EXPIRES_MS, idle_heartbeat: PULL_HEARTBEAT_MS })
        void this.watch(this.messages)
        await this.run(this.messages)
      } catch (err) {
        this.log.warn({ err: String(err) }, 'consuming failed; retrying')
      }
      // A deliberate restart (restartConsume) pulls again at once; a failure waits a second.
      if (!this.stopping && !this.restarting) await new Promise((r) => setTimeout(r, 1000))
      this.restarting = false
    }
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (s.type === 'heartbeats_missed' || s.type === 'consumer_not_found' || s.type === 'consumer_deleted' || s.type === 'stream_not_found') {
        this.log.warn({ status: s.type }, 'consumer status')
      }
      if (s.type === 'heartbeats_missed') this.restartConsume()
    }
  }

  /**
   * The pull may sit on a server that no longer leads the consumer (its node died): end this
   * iterator, and consumeForever starts a fresh one whose pull reaches the new leader. Also called
   * on a reconnect, where the client would otherwise probe the consumer at 5 s intervals.
   */
  restartConsume(): void {
    this.restarting = true
    this.messages?.stop()
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      this.add(m)
      await this.worker.waitBelow(MAX_QUEUED)
      if (this.batch.rowCount + this.batch.deadLetters.length >= this.opts.batchSize) {
        // One insert in flight while the next batch fills; wait only when a second is queued.
        const flushed = this.flush()
        if (this.flushesPending > 1) await flushed
      }
    }
  }

  private add(m: JsMsg): void {
    const b = this.batch
    b.messages.push(m)
    const stored = storedMessage(m)
    if (m.info.deliveryCount > this.opts.maxDeliver) {
      b.deadLetters.push(wholeMessageLetter(stored, 'max_deliveries', `the message failed ${m.info.deliveryCount - 1} times and was set aside whole`))
    } else {
      const result = this.worker.process(stored, b.id)
      result.then((r) => (b.rowCount += r.rowCount), () => {})
      b.results.push(result)
    }
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.opts.batchAgeMs)
  }

  /** Serialised: one insert at a time, batches in stream order. */
  flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    const b = this.batch
    this.batch = emptyBatch()
    // Queued right behind the batch's last job, so the rows are ready as soon as it is processed.
    if (b.messages.length > 0) b.sealed = this.worker.seal(b.id, this.sink.spoolFile())
    this.flushesPending++
    this.chain = this.chain
      .then(() => this.insert(b))
      .catch((err) => this.log.error({ err: String(err) }, 'batch handling failed; its messages will be redelivered'))
      .finally(() => this.flushesPending--)
    return this.chain
  }

  private async insert(b: Batch): Promise<void> {
    const sealed = b.sealed
    if (!sealed) return
    let started = performance.now()
    let rowCount = 0
    try {
      const results = await Promise.all(b.results)
      const batchRows = await sealed
      started = performance.now() // the insert latency metric starts once the rows are ready
      const deadLetters = [...b.deadLetters]
      for (const r of results) {
        rowCount += r.rowCount
        deadLetters.push(...r.deadLetters)
      }
      // A worker that died and restarted mid-batch holds only part of it: never ack on that.
      if (batchRows.rowCount !== rowCount) throw new Error(`the worker holds ${batchRows.rowCount} of the batch's ${rowCount} rows`)
      if (batchRows.rows) await this.sink.insertEvents(batchRows.rows)
      await this.sink.insertDeadLetters(deadLetters)
      b.deadLetters = deadLetters
    } catch (err) {
      // A spooled file the insert did not get to is removed (rm of a consumed one is a no-op).
      void sealed.then(async (s) => {
        if (s.rows && 'file' in s.rows) await rm(s.rows.file, { force: true })
      }, () => {})
      this.metrics.insertFailures.inc()
      this.log.warn({ err: (err as Error).message, messages: b.messages.length }, 'insert failed; batch will be redelivered')
      for (const m of b.messages) m.nak(nakDelayMs(m.info.deliveryCount))
      return
    }
    this.opts.afterInsert?.()
    for (const m of b.messages) m.ack()
    this.metrics.insertSeconds.observe((performance.now() - started) / 1000)
    this.metrics.batchEvents.observe(rowCount)
    this.metrics.storedEvents.inc(rowCount)
    for (const d of b.deadLetters) this.metrics.deadLetters.inc({ reason: d.reason })
  }

  /** Stops pulling, inserts and acks what was pulled, within the caller's time budget. */
  async stop(): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    await this.messages?.close()
    await this.loop?.catch(() => {})
    await this.flush()
    await this.worker.close()
  }
}
