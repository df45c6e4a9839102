// The processor's view of an engine outage: inserts that failed for a reason not tied to the data
// (no connection, timeouts, a stopped engine). While it lasts the processor keeps its batches and
// retries with backoff instead of naking them: redeliveries would count toward --max-deliver, and
// a long outage would then dead-letter the whole backlog.
import type { Logger } from 'pino'
import { engineErrorText } from './engine-errors.ts'
import type { ProcessorMetrics } from './processor-metrics.ts'

/** Thrown out of wait() when the processor stops during an outage: the batch is left unacked. */
export class StoppedWhileWaiting extends Error {
  constructor() {
    super('the processor stopped while waiting for ClickHouse')
  }
}

/** Delay before the next insert attempt: 0.5 s doubling to 10 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1))
}

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

export class EngineOutage {
  private since: number | undefined
  private attempts = 0
  private over = signal()
  private began = signal()
  private wake: (() => void) | undefined
  private stopped = false

  constructor(
    private readonly metrics: ProcessorMetrics,
    private readonly log: Logger,
  ) {
    this.over.resolve()
  }

  get waiting(): boolean {
    return this.since !== undefined
  }

  /** Resolves as soon as an outage is under way. */
  begins(): Promise<void> {
    return this.began.promise
  }

  /** Resolves once no outage is under way (or the processor stops). */
  ended(): Promise<void> {
    return this.over.promise
  }

  /** After a failed attempt: logs, then waits the backoff before the next one. */
  async wait(err: unknown, heldMessages: number): Promise<void> {
    if (this.stopped) throw new StoppedWhileWaiting()
    this.attempts++
    if (this.since === undefined) {
      this.since = Date.now()
      this.over = signal()
      this.began.resolve()
      this.metrics.waitingForEngine.set(1)
    }
    const delayMs = retryDelayMs(this.attempts)
    this.log.warn(
      { err: engineErrorText(err), attempt: this.attempts, waitingSeconds: Math.round((Date.now() - this.since) / 1000), heldMessages, retryInMs: delayMs },
      'storing or profiling a batch failed (the engine, or NATS for its tag changes, unavailable?): holding the batch (messages stay in progress, not redelivered) and retrying',
    )
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.wake = undefined
    if (this.stopped) throw new StoppedWhileWaiting()
  }

  /** An insert went through. */
  recovered(): void {
    if (this.since === undefined) return
    this.log.warn({ waitedSeconds: Math.round((Date.now() - this.since) / 1000), attempts: this.attempts }, 'ClickHouse is back: resuming')
    this.since = undefined
    this.attempts = 0
    this.began = signal()
    this.metrics.waitingForEngine.set(0)
    this.over.resolve()
  }

  /** The processor stops: waits end now, and no new one starts. */
  stop(): void {
    this.stopped = true
    this.wake?.()
    this.over.resolve()
  }
}
