// The main thread's handle on the processing worker: one job per message, results in order,
// a bounded queue, and a fresh worker if one dies (its jobs fail, so their batch is redelivered).
import { Worker } from 'node:worker_threads'
import type { EventLimits } from '../models/event-checks.ts'
import type { StoredMessage } from './message-decoding.ts'
import type { MessageResult } from './message-processing.ts'

interface Pending {
  resolve(r: MessageResult): void
  reject(e: Error): void
}

export class ProcessingWorker {
  private worker: Worker | undefined
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private waiters: Array<{ below: number; resolve: () => void }> = []
  private closing = false

  constructor(private readonly limits: EventLimits) {}

  get queued(): number {
    return this.pending.size
  }

  process(message: StoredMessage): Promise<MessageResult> {
    const id = this.nextId++
    return new Promise<MessageResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      // The message's bytes are its own copy (storedMessage): moved to the worker, not copied again.
      this.ensureWorker().postMessage({ id, message, limits: this.limits }, [message.data.buffer as ArrayBuffer])
    })
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

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    // A larger young generation: each request's objects die young, so fewer scavenges run.
    const w = new Worker(new URL('./processing-worker.mjs', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 64 } })
    w.unref()
    w.on('message', (msg: { id: number; result?: MessageResult; error?: string }) => {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.error !== undefined) p.reject(new Error(msg.error))
      else p.resolve(msg.result!)
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
