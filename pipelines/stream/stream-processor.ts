// The stream processor: pulls requests from the durable consumer, turns them into rows and dead
// letters, inserts them in batches bounded by size and age, and acks the messages only after the
// insert succeeded. What happens when it does not depends on why:
// - a request that breaks processing is dead-lettered alone (message-processing.ts);
// - rows the engine refuses are found by sending the batch again in halves and dead-lettered
//   alone, the rest is stored (refused-rows.ts);
// - an unavailable engine is waited out: the batch is kept and retried, its messages kept in
//   progress, so an outage never counts toward --max-deliver (engine-outage.ts);
// - only a batch whose processing itself failed (the worker died) is naked for redelivery, and a
//   message delivered --max-deliver times is dead-lettered whole so it cannot stall the stream.
import { rm } from 'node:fs/promises'
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream'
import type { Logger } from 'pino'
import type { DeadLetterRow } from '../../models/events/event-row.ts'
import type { EncodedRows } from '../../sql/clickhouse-client.ts'
import { isDataError } from './engine-errors.ts'
import { EngineOutage, StoppedWhileWaiting } from './engine-outage.ts'
import { storedMessage, wholeMessageLetter } from './message-decoding.ts'
import type { ProcessedMessage, ProcessingWorker, SealedBatch } from './processing-pool.ts'
import type { RowRange } from './processing-worker.ts'
import type { ProcessorMetrics } from './processor-metrics.ts'
import { halves, refusedRowLetter, rowsIn } from './refused-rows.ts'

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

/** Messages handed to the worker and not yet back; above it the consume loop waits. */
const MAX_QUEUED = 400

/**
 * Messages held longer than this are marked in progress (msg.working()) again and again, so a
 * long wait (an outage, a batch being split) never lets the consumer's ack_wait (60 s,
 * jetstream-setup.ts) run out and redeliver them.
 */
const IN_PROGRESS_EVERY_MS = 10_000

/** Redelivery delay after a batch's processing failed: 0.5 s doubling to 30 s. */
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
  /** Batches flushed and not yet acked or left for redelivery. */
  private readonly held = new Set<Batch>()
  private inProgressTimer: NodeJS.Timeout | undefined
  private readonly outage: EngineOutage

  constructor(
    private readonly consumer: Consumer,
    private readonly sink: EventSink,
    private readonly worker: ProcessingWorker,
    private readonly opts: ProcessorOptions,
    private readonly metrics: ProcessorMetrics,
    private readonly log: Logger,
  ) {
    // During an outage no more messages are pulled: those already delivered join batches (and are
    // kept in progress) rather than wait in the client's buffer until their ack_wait runs out.
    this.outage = new EngineOutage(metrics, log, () => void this.messages?.close())
  }

  async start(): Promise<void> {
    this.inProgressTimer = setInterval(() => this.keepInProgress(), IN_PROGRESS_EVERY_MS)
    this.inProgressTimer.unref()
    this.loop = this.consumeForever()
  }

  private keepInProgress(): void {
    const now = Date.now()
    for (const b of [...this.held, this.batch]) {
      if (now - b.openedAt < IN_PROGRESS_EVERY_MS) continue
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
    while (!this.stopping) {
      try {
        // Pull a bounded number of messages ahead: while a flush is awaited the iterator is not
        // drained, which is the backpressure that keeps memory flat when ClickHouse is slow.
        this.messages = await this.consumer.consume({ max_messages: 300 })
        void this.watch(this.messages)
        await this.run(this.messages)
      } catch (err) {
        this.log.warn({ err: String(err) }, 'consuming failed; retrying')
      }
      if (!this.stopping) await new Promise((r) => setTimeout(r, 1000))
      await this.outage.ended()
    }
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (s.type === 'heartbeats_missed' || s.type === 'consumer_not_found' || s.type === 'consumer_deleted' || s.type === 'stream_not_found') {
        this.log.warn({ status: s.type }, 'consumer status')
      }
    }
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      this.add(m)
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
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.opts.batchAgeMs)
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
      .finally(() => this.flushesPending--)
    return this.chain
  }

  private async insert(b: Batch): Promise<void> {
    const sealed = b.sealed
    if (!sealed) return
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
      const refused = await this.storeRows(b, results, batchRows.rows)
      const deadLetters = [...b.deadLetters]
      for (const r of results) if (r) deadLetters.push(...r.deadLetters)
      deadLetters.push(...refused)
      await this.untilInserted(() => this.sink.insertDeadLetters(deadLetters))
      this.opts.afterInsert?.()
      for (const m of b.messages) m.ack()
      this.metrics.insertSeconds.observe((performance.now() - started) / 1000)
      this.metrics.batchEvents.observe(rowCount - refused.length)
      this.metrics.storedEvents.inc(rowCount - refused.length)
      for (const d of deadLetters) this.metrics.deadLetters.inc({ reason: d.reason })
    } catch (err) {
      if (err instanceof StoppedWhileWaiting) this.log.warn({ messages: b.messages.length }, 'stopped while ClickHouse was unavailable; the batch is left unacked for redelivery')
      else this.redeliver(b, err)
    } finally {
      this.held.delete(b)
      this.metrics.heldMessages.dec(b.messages.length)
      this.worker.release(b.id)
    }
  }

  /** The batch's processing failed (not its insert): redelivery with backoff, counted toward --max-deliver. */
  private redeliver(b: Batch, err: unknown): void {
    this.log.warn({ err: (err as Error)?.message ?? String(err), messages: b.messages.length }, 'processing the batch failed; its messages will be redelivered')
    for (const m of b.messages) m.nak(nakDelayMs(m.info.deliveryCount))
  }

  /** Runs an insert until it succeeds, waiting out outages; a data error is thrown. */
  private async untilInserted(insert: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await insert()
        this.outage.recovered()
        return
      } catch (err) {
        this.metrics.insertFailures.inc()
        if (isDataError(err)) throw err
        await this.outage.wait(err, this.heldMessages())
      }
    }
  }

  /**
   * Inserts the batch's rows, waiting out outages. When the engine refuses the rows themselves, the
   * batch is sent again in halves until each refused row stands alone: those are returned as dead
   * letters, all others are stored. `first` is the sealed batch, used for the first attempt.
   */
  private async storeRows(b: Batch, results: Array<ProcessedMessage | null>, first: EncodedRows | null): Promise<DeadLetterRow[]> {
    const whole: RowRange[] = []
    results.forEach((r, index) => {
      if (r && r.rowCount > 0) whole.push({ index, from: 0, to: r.rowCount })
    })
    const refused: DeadLetterRow[] = []
    const pending: RowRange[][] = whole.length > 0 ? [whole] : []
    let sealedRows = first
    while (pending.length > 0) {
      const piece = pending[0]
      const encoded = sealedRows
      sealedRows = null
      try {
        await this.insertPiece(b.id, piece, encoded)
        pending.shift()
      } catch (err) {
        if (!isDataError(err)) throw err
        pending.shift()
        if (rowsIn(piece) > 1) {
          if (piece === whole) this.log.warn({ err: (err as Error).message.split('\n')[0], messages: b.messages.length }, 'ClickHouse refused rows of a batch: sending it in parts to set only those rows aside')
          pending.unshift(...halves(piece))
          continue
        }
        const range = piece[0]
        const letter = refusedRowLetter(storedMessage(b.messages[range.index]), results[range.index]!.deadLetters, range.from, await this.worker.line(b.id, range), err)
        this.log.warn({ messageId: letter.message_id, streamSeq: letter.stream_seq, position: letter.position, detail: letter.detail }, 'event refused by ClickHouse: dead-lettered')
        refused.push(letter)
      }
    }
    return refused
  }

  /**
   * Inserts some rows of a batch (`encoded`: them already written, else the worker writes them),
   * waiting out outages; throws when the engine refuses the rows, or the worker lost them.
   */
  private async insertPiece(batch: number, piece: RowRange[], encoded: EncodedRows | null): Promise<void> {
    for (;;) {
      // An attempt uses up a spooled file: each one has the rows written again.
      const rows = encoded ?? (await this.worker.piece(batch, piece, this.sink.spoolFile())).rows!
      encoded = null
      try {
        await this.sink.insertEvents(rows)
        this.outage.recovered()
        return
      } catch (err) {
        await removeSpooled(rows)
        this.metrics.insertFailures.inc()
        if (isDataError(err)) throw err
        await this.outage.wait(err, this.heldMessages())
      }
    }
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
    await this.worker.close()
  }
}

/** A spooled file no insert got to (rm of a consumed one is a no-op). */
async function removeSpooled(rows: EncodedRows | null): Promise<void> {
  if (rows && 'file' in rows) await rm(rows.file, { force: true })
}
