// Refits run one at a time, in the order asked. A request waits for the refit before it and then
// gets a fit of its own as_of: sharing whatever fit was running would answer an `as_of` request
// with a fit of another date. A request for the same as_of as one still waiting shares that one
// (it has not started, so it is as fresh), and at most `maxWaiting` wait: beyond, `busy`.

export type QueuedRefit<T> = { status: 'done'; result: T } | { status: 'busy'; waiting: number }

export class RefitQueue<T> {
  private tail: Promise<unknown> = Promise.resolve()
  private readonly waiting = new Map<string, Promise<T>>()

  constructor(private readonly run: (asOf: number | undefined) => Promise<T>, private readonly maxWaiting = 4) {}

  /** `asOf` epoch ms, or undefined for now (taken when the refit starts). */
  async refit(asOf?: number): Promise<QueuedRefit<T>> {
    const key = asOf === undefined ? 'now' : String(asOf)
    let job = this.waiting.get(key)
    if (!job) {
      if (this.waiting.size >= this.maxWaiting) return { status: 'busy', waiting: this.waiting.size }
      job = this.tail.then(() => {
        this.waiting.delete(key)
        return this.run(asOf)
      })
      this.waiting.set(key, job)
      this.tail = job.catch(() => {})
    }
    return { status: 'done', result: await job }
  }

  /** Resolves when every refit asked so far has ended. */
  async idle(): Promise<void> {
    await this.tail
  }
}
