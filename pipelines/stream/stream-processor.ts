// The stream processor: pulls requests from the durable consumer, turns them into rows and dead
// letters, inserts them in batches bounded by size and age, and acks the messages only after the
// insert succeeded. What happens when it does not depends on why:
// - a request that breaks processing is dead-lettered alone (message-processing.ts);
// - rows the engine refuses are found by sending the batch again in halves and dead-lettered
//   alone, the rest is stored (batch-inserter.ts, refused-rows.ts);
// - an unavailable engine is waited out: the batch is kept and retried, its messages kept in
//   progress, so an outage never counts toward --max-deliver (engine-outage.ts);
// - only a batch whose processing itself failed (the worker died) is naked for redelivery, and a
//   message delivered --max-deliver times is dead-lettered whole so it cannot stall the stream.
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream'
import type { Logger } from 'pino'
import type { DeadLetterRow } from '../../models/events/event-row.ts'
import { BatchInserter, removeSpooled, type EventSink } from './batch-inserter.ts'
import { batchAgeCheck, PULL_MESSAGES } from './batch-age.ts'
import { EngineOutage, StoppedWhileWaiting } from './engine-outage.ts'
import { batchFactLines, insertBatchFacts } from './facts-inserter.ts'
import { batchIdsOf } from './batch-ids.ts'
import type { BatchIds } from './profile-stage.ts'
import { storedMessage, wholeMessageLetter } from './message-decoding.ts'
import type { ProcessedMessage, ProcessingWorker, SealedBatch } from './processing-pool.ts'
import type { ProcessorMetrics } from './processor-metrics.ts'

export interface ProcessorOptions {
  batchSize: number
  batchAgeMs: number
  /** While a backlog waits in the stream, a batch keeps filling up to this age (batch-age.ts). */
  batchAgeBehindMs: number
  maxDeliver: number
  /** The consumer's ack wait: held messages are marked in progress well within it. */
  ackWaitMs: number
  /** Called after a successful insert and before the ack (fault tests crash here). */
  afterInsert?: () => void
  /**
   * The profile stage: run on a stored batch's ids and links before its messages are acked, while
   * the next batch is inserted (at most PROFILE_AHEAD batches, PROFILE_AHEAD_EVENTS events, wait for it).
   */
  afterStore?: (batch: BatchIds) => Promise<void>
  /** Resolves once the consumer has a leader that answers (consumer-leader.ts); awaited before every pull but the first. */
  consumerLed?: (stopped: () => boolean) => Promise<void>
}

interface Batch {
  id: number
  messages: JsMsg[]
  /** Each message's outcome, by its index in `messages` (null: set aside whole past --max-deliver). */
  results: Array<Promise<ProcessedMessage> | null>
  /** Rows of the results that have arrived (the size bound lags by the worker's queue). */
  rowCount: number
  deadLetters: DeadLetterRow[]
  /** The worker's hand-over of the batch's rows, asked for as the batch closes. */
  sealed?: Promise<SealedBatch>
  openedAt: number
}

let batchIds = 0
const emptyBatch = (): Batch => ({ id: batchIds++, messages: [], results: [], rowCount: 0, deadLetters: [], openedAt: Date.now() })

/** Stored batches waiting for the profile stage before the insert of the next one waits too. */
const PROFILE_AHEAD = 16
/** The same bound in events (their messages stay in memory until acked), whatever the batch size. */
const PROFILE_AHEAD_EVENTS = 320_000

const PULL_EXPIRES_MS = 5000
const PULL_HEARTBEAT_MS = 500

/** Messages handed to the worker and not yet back; above it the consume loop waits. */
const MAX_QUEUED = 400

/**
 * Messages held longer than this are marked in progress (msg.working()) again and again, so a
 * long wait (an outage, a batch being split) never lets the consumer's ack wait (--ack-wait-ms)
 * run out and redeliver them: every 10 s, or three times per ack wait when that is shorter.
 */
export function inProgressEveryMs(ackWaitMs: number): number {
  return Math.max(250, Math.min(10_000, Math.floor(ackWaitMs / 3)))
}

/** Redelivery delay after a batch's processing failed: 0.5 s doubling to 30 s. */
export function nakDelayMs(deliveryCount: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, deliveryCount - 1))
}

export class StreamProcessor {
  private batch = emptyBatch()
  private chain: Promise<void> = Promise.resolve()
  /** Stored batches go through the profile stage and are acked here, in order. */
  private profileChain: Promise<void> = Promise.resolve()
  private profilesPending = 0
  private eventsAwaitingProfiles = 0
  private timer: NodeJS.Timeout | undefined
  /** When the open batch's first message arrived (its age bound counts from there). */
  private timerStarted = 0
  /** Requests left in the stream, undelivered, when the last message was pulled. */
  private streamPending = 0
  private messages: ConsumerMessages | undefined
  private loop: Promise<void> | undefined
  private stopping = false
  private flushesPending = 0
  private restarting = false
  /** Batches flushed and not yet acked or left for redelivery. */
  private readonly held = new Set<Batch>()
  private inProgressTimer: NodeJS.Timeout | undefined
  private readonly outage: EngineOutage
  private readonly inserter: BatchInserter

  constructor(
    private readonly consumer: Consumer,
    private readonly sink: EventSink,
    private readonly worker: ProcessingWorker,
    private readonly opts: ProcessorOptions,
    private readonly metrics: ProcessorMetrics,
    private readonly log: Logger,
  ) {
    this.outage = new EngineOutage(metrics, log)
    this.inserter = new BatchInserter(sink, worker, this.outage, metrics, log, () => this.heldMessages())
  }

  async start(): Promise<void> {
    this.inProgressTimer = setInterval(() => this.keepInProgress(), inProgressEveryMs(this.opts.ackWaitMs))
    this.inProgressTimer.unref()
    this.loop = this.consumeForever()
  }

  private keepInProgress(): void {
    const now = Date.now()
    for (const b of [...this.held, this.batch]) {
      if (now - b.openedAt < inProgressEveryMs(this.opts.ackWaitMs)) continue
      for (const m of b.messages) m.working()
    }
  }

  private heldMessages(): number {
    let n = this.batch.messages.length
    for (const b of this.held) n += b.messages.length
    return n
  }

  /** A consume iterator can end (consumer recreated, server restarted): start another until stopped. */
  private async consumeForever(): Promise<void> {
    let first = true
    while (!this.stopping) {
      try {
        if (!first) await this.opts.consumerLed?.(() => this.stopping)
        first = false
        // Pull a bounded number of messages ahead: while a flush is awaited the iterator is not
        // drained, which is the backpressure that keeps memory flat when ClickHouse is slow.
        // Short pulls with 0.5 s heartbeats (the client's minimum): a consumer leader lost with its
        // node is noticed after two missed heartbeats (~1 s) rather than at the 30 s default expiry.
        this.messages = await this.consumer.consume({ max_messages: PULL_MESSAGES, expires: PULL_EXPIRES_MS, idle_heartbeat: PULL_HEARTBEAT_MS })
        void this.watch(this.messages)
        await this.run(this.messages)
      } catch (err) {
        this.log.warn({ err: String(err) }, 'consuming failed; retrying')
      }
      // A deliberate restart (restartConsume) pulls again as soon as the consumer has a leader; a
      // failure waits a second first.
      if (!this.stopping && !this.restarting) await new Promise((r) => setTimeout(r, 1000))
      this.restarting = false
      await this.outage.ended()
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
    let pulling = true
    for await (const m of messages) {
      this.add(m)
      if (pulling && this.outage.waiting) {
        // No more pulls during an outage (consumeForever resumes after it): what the client holds
        // already still joins batches, kept in progress, rather than wait out its ack_wait there.
        pulling = false
        void messages.close()
      }
      await this.worker.waitBelow(MAX_QUEUED)
      if (this.batch.rowCount + this.batch.deadLetters.length >= this.opts.batchSize) {
        // One insert in flight while the next batch fills; wait only when a second is queued.
        const flushed = this.flush()
        if (this.flushesPending > 1) await Promise.race([flushed, this.outage.begins()])
      }
    }
  }

  private add(m: JsMsg): void {
    const b = this.batch
    const index = b.messages.push(m) - 1
    this.metrics.heldMessages.inc()
    const stored = storedMessage(m)
    if (m.info.deliveryCount > this.opts.maxDeliver) {
      b.deadLetters.push(wholeMessageLetter(stored, 'max_deliveries', `the message was delivered ${m.info.deliveryCount - 1} times without being stored (its processing failed each time) and was set aside whole`))
      b.results.push(null)
    } else {
      const result = this.worker.process(stored, b.id, index)
      result.then((r) => (b.rowCount += r.rowCount), () => {})
      b.results.push(result)
    }
    this.streamPending = m.info.pending
    if (!this.timer) {
      this.timerStarted = Date.now()
      this.timer = setTimeout(() => this.ageReached(), this.opts.batchAgeMs)
    }
  }

  /** The open batch reached an age check (batch-age.ts): inserted now, or checked again later. */
  private ageReached(): void {
    clearTimeout(this.timer)
    const next = batchAgeCheck(Date.now() - this.timerStarted, { streamPending: this.streamPending, insertsInFlight: this.flushesPending }, this.opts)
    if (next === 'insert') void this.flush()
    else this.timer = setTimeout(() => this.ageReached(), next)
  }

  /** An insert is done: an open batch past --batch-age-ms that waited for it goes now. */
  private insertDone(): void {
    this.flushesPending--
    if (this.timer && !this.stopping && Date.now() - this.timerStarted >= this.opts.batchAgeMs) this.ageReached()
  }

  /** Serialised: one insert at a time, batches in stream order. */
  flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    const b = this.batch
    this.batch = emptyBatch()
    // Queued right behind the batch's last job, so the rows are ready as soon as it is processed.
    if (b.messages.length > 0) {
      b.sealed = this.worker.seal(b.id, this.sink.spoolFile())
      this.held.add(b)
    }
    this.flushesPending++
    this.chain = this.chain
      .then(() => this.insert(b))
      .catch((err) => this.log.error({ err: String(err) }, 'batch handling failed; its messages will be redelivered'))
      .finally(() => this.insertDone())
    return this.chain
  }

  private async insert(b: Batch): Promise<void> {
    const sealed = b.sealed
    if (!sealed) return
    let handedOn = false
    try {
      let results: Array<ProcessedMessage | null>
      let batchRows: SealedBatch
      let rowCount = 0
      try {
        results = await Promise.all(b.results)
        batchRows = await sealed
        for (const r of results) rowCount += r?.rowCount ?? 0
        // A worker that died and restarted mid-batch holds only part of it: never ack on that.
        if (batchRows.rowCount !== rowCount) throw new Error(`the worker holds ${batchRows.rowCount} of the batch's ${rowCount} rows`)
      } catch (err) {
        void sealed.then((s) => removeSpooled(s.rows), () => {})
        this.redeliver(b, err)
        return
      }
      const started = performance.now() // the insert latency metric starts once the rows are ready
      const refused = await this.inserter.storeRows(b.id, b.messages, results, batchRows.rows)
      const deadLetters = [...b.deadLetters]
      for (const r of results) if (r) deadLetters.push(...r.deadLetters)
      deadLetters.push(...refused)
      await this.inserter.untilInserted(() => this.sink.insertDeadLetters(deadLetters))
      this.opts.afterInsert?.()
      const stored = rowCount - refused.length
      // The facts insert (a session of its own) and then the profile stage (batches waiting for it
      // are taken together) run while the next batch's events insert; acks stay in order.
      const afterStore = this.opts.afterStore
      // The profile stage counts the persons the batch creates from these lines, as inserted.
      const facts = batchFactLines(results, refused)
      const ids = { ...batchIdsOf(results), facts }
      const profiled = (async () => {
        await this.inserter.untilInserted(() => insertBatchFacts(this.sink, facts))
        if (afterStore) await this.inserter.untilInserted(() => afterStore(ids))
      })()
      profiled.catch(() => {}) // handled in finish()
      const finished = this.profileChain.then(() => this.finish(b, profiled, deadLetters, stored, started))
      this.profileChain = finished
      handedOn = true
      this.profilesPending++
      this.eventsAwaitingProfiles += b.rowCount
      if (this.profilesPending > PROFILE_AHEAD || this.eventsAwaitingProfiles > PROFILE_AHEAD_EVENTS) await finished
    } catch (err) {
      this.handBack(b, err)
    } finally {
      if (!handedOn) this.settled(b)
      this.worker.release(b.id)
    }
  }

  /** The profile stage of a stored batch, then its ack. */
  private async finish(b: Batch, profiled: Promise<void>, deadLetters: DeadLetterRow[], stored: number, started: number): Promise<void> {
    try {
      await profiled
      for (const m of b.messages) m.ack()
      this.metrics.insertSeconds.observe((performance.now() - started) / 1000)
      this.metrics.batchEvents.observe(stored)
      this.metrics.storedEvents.inc(stored)
      for (const d of deadLetters) this.metrics.deadLetters.inc({ reason: d.reason })
    } catch (err) {
      this.handBack(b, err)
    } finally {
      this.profilesPending--
      this.eventsAwaitingProfiles -= b.rowCount
      this.settled(b)
    }
  }

  private handBack(b: Batch, err: unknown): void {
    if (err instanceof StoppedWhileWaiting) {
      // Handed back at once, to another processor or to this one after its restart.
      this.log.warn({ messages: b.messages.length }, 'stopped while ClickHouse was unavailable; the batch is handed back for redelivery')
      for (const m of b.messages) m.nak()
    } else {
      this.redeliver(b, err)
    }
  }

  private settled(b: Batch): void {
    this.held.delete(b)
    this.metrics.heldMessages.dec(b.messages.length)
  }

  /** The batch's processing failed (not its insert): redelivery with backoff, counted toward --max-deliver. */
  private redeliver(b: Batch, err: unknown): void {
    this.log.warn({ err: (err as Error)?.message ?? String(err), messages: b.messages.length }, 'processing the batch failed; its messages will be redelivered')
    for (const m of b.messages) m.nak(nakDelayMs(m.info.deliveryCount))
  }

  /** Stops pulling, inserts and acks what was pulled, within the caller's time budget. */
  async stop(): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    this.outage.stop()
    clearInterval(this.inProgressTimer)
    await this.messages?.close()
    await this.loop?.catch(() => {})
    await this.flush()
    await this.profileChain
    await this.worker.close()
  }
}

