// The main thread's handle on the processing worker: one job per message, each tagged with its
// batch; sealing a batch has the worker write (or hand back) the batch's encoded rows, which it
// keeps (to send parts of them again) until the batch is released. Replies
// come in order, the queue is bounded, and a fresh worker starts if one dies (its jobs fail, so
// their batch is redelivered).
import { Worker } from 'node:worker_threads'
import type { DeadLetterRow } from '../../models/events/event-row.ts'
import type { IdLink, UserIdSighting } from '../../models/identity/event-ids.ts'
import type { EncodedRows } from '../../sql/clickhouse-client.ts'
import type { StoredMessage } from './message-decoding.ts'
import type { ProcessingSettings } from './message-processing.ts'
import type { RowRange, WorkerRequest } from './processing-worker.ts'

export interface ProcessedMessage {
  rowCount: number
  deadLetters: DeadLetterRow[]
  /** The rows' feature facts as TabSeparated lines (sql/writers/feature-facts-writer.ts), '' when none. */
  facts: string
  /** The distinct key ids of the rows (models/identity/event-ids.ts keyIdOf). */
  keyIds: string[]
  /** The id links the rows ask for (linkOf), in row order. */
  links: IdLink[]
  /** The linkable user ids of the rows. */
  userIds: UserIdSighting[]
}

export interface SealedBatch {
  /** Rows the worker holds for the batch: the caller compares it with what its messages made. */
  rowCount: number
  rows: EncodedRows | null
}

type Reply = { id: number; result?: ProcessedMessage; sealed?: SealedBatch; line?: string; error?: string }

interface Pending {
  resolve(r: Reply): void
  reject(e: Error): void
}

export class ProcessingWorker {
  private worker: Worker | undefined
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private waiters: Array<{ below: number; resolve: () => void }> = []
  private closing = false

  constructor(private readonly settings: ProcessingSettings) {}

  get queued(): number {
    return this.pending.size
  }

  /** `index` is the message's place in its batch, which names its rows in piece() and line(). */
  async process(message: StoredMessage, batch: number, index: number): Promise<ProcessedMessage> {
    // The message's bytes are its own copy (storedMessage): moved to the worker, not copied again.
    const reply = await this.send((id) => ({ kind: 'process', id, batch, index, message }), [message.data.buffer as ArrayBuffer])
    return reply.result!
  }

  /** Ends a batch: its rows go to `spoolFile` when given, else come back as bytes. */
  async seal(batch: number, spoolFile: string | null): Promise<SealedBatch> {
    return (await this.send((id) => ({ kind: 'seal', id, batch, spoolFile }), [])).sealed!
  }

  /** Some rows of a sealed batch, again: to `spoolFile` when given, else as bytes. */
  async piece(batch: number, ranges: RowRange[], spoolFile: string | null): Promise<SealedBatch> {
    return (await this.send((id) => ({ kind: 'piece', id, batch, ranges, spoolFile }), [])).sealed!
  }

  /** The encoded text of one row of a sealed batch. */
  async line(batch: number, range: RowRange): Promise<string> {
    return (await this.send((id) => ({ kind: 'line', id, batch, range }), [])).line!
  }

  /** The batch is done with (acked or left for redelivery): the worker drops its rows. */
  release(batch: number): void {
    if (!this.worker) return // a restarted worker holds no old batches
    this.send((id) => ({ kind: 'release', id, batch }), []).catch(() => {})
  }

  /** Resolves once fewer than `below` jobs are queued (backpressure for the consume loop). */
  waitBelow(below: number): Promise<void> {
    if (this.pending.size < below) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ below, resolve }))
  }

  async close(): Promise<void> {
    this.closing = true
    await this.worker?.terminate()
    this.worker = undefined
  }

  private send(request: (id: number) => WorkerRequest, transfer: ArrayBuffer[]): Promise<Reply> {
    const id = this.nextId++
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.ensureWorker().postMessage(request(id), transfer)
    })
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    // A larger young generation: each request's objects die young, so fewer scavenges run.
    const w = new Worker(new URL('./processing-worker.mjs', import.meta.url), { workerData: this.settings, resourceLimits: { maxYoungGenerationSizeMb: 64 } })
    w.unref()
    w.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.error !== undefined) p.reject(new Error(msg.error))
      else p.resolve(msg)
      this.wake()
    })
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
      this.wake()
    }
    w.on('error', fail)
    w.on('exit', (code) => {
      if (!this.closing) fail(new Error(`processing worker exited with code ${code}`))
    })
    this.worker = w
    return w
  }

  private wake(): void {
    const still: typeof this.waiters = []
    for (const w of this.waiters) (this.pending.size < w.below ? w.resolve() : still.push(w))
    this.waiters = still
  }
}
