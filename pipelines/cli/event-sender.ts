// Sends events to a running Pulse in batches (Segment's by default, any route and envelope):
// several requests in flight, an optional rate cap, and retries the way the SDKs do
// (429/503/network errors with back-off, honouring Retry-After); a 400 is final and is counted as
// rejected with the server's message.
import { userError } from './user-error.ts'

export interface SenderOptions {
  url: string
  writeKey: string
  batchSize: number
  concurrency: number
  /** Events per second at most; 0 = as fast as the server answers. */
  rate: number
  /** Route to post to; default the Segment batch endpoint. */
  path?: string
  /** The request body around a batch; default Segment's `{ batch, sentAt }`. */
  envelope?: (batch: unknown[], now: number) => Record<string, unknown>
  now?: () => number
}

export interface SendTotals {
  sent: number
  rejected: number
  requests: number
  retries: number
  /** The first few refusals, for the summary. */
  problems: string[]
}

const MAX_ATTEMPTS = 10

export class EventSender {
  readonly totals: SendTotals = { sent: 0, rejected: 0, requests: 0, retries: 0, problems: [] }
  private pending: unknown[] = []
  private readonly inFlight = new Set<Promise<void>>()
  private readonly started: number
  private readonly auth: string

  constructor(private readonly opts: SenderOptions) {
    this.started = (opts.now ?? Date.now)()
    this.auth = 'Basic ' + Buffer.from(opts.writeKey + ':').toString('base64')
  }

  /** Queues one event; resolves when the sender has room for more (backpressure). */
  async add(event: unknown): Promise<void> {
    this.pending.push(event)
    if (this.pending.length >= this.opts.batchSize) await this.dispatch()
  }

  /** Sends what is queued and waits for every request. */
  async flush(): Promise<SendTotals> {
    if (this.pending.length) await this.dispatch()
    await Promise.all(this.inFlight)
    return this.totals
  }

  private async dispatch(): Promise<void> {
    const batch = this.pending
    this.pending = []
    while (this.inFlight.size >= this.opts.concurrency) await Promise.race(this.inFlight)
    if (this.opts.rate > 0) {
      // Pace by what has been handed out so far: the n-th event is due at n / rate seconds.
      const due = this.started + ((this.totals.sent + this.totals.rejected + this.queuedEvents) * 1000) / this.opts.rate
      const wait = due - (this.opts.now ?? Date.now)()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    }
    this.queuedEvents += batch.length
    const p = this.post(batch).finally(() => {
      this.inFlight.delete(p)
      this.queuedEvents -= batch.length
    })
    this.inFlight.add(p)
  }

  private queuedEvents = 0

  private async post(batch: unknown[]): Promise<void> {
    const now = (this.opts.now ?? Date.now)()
    const body = JSON.stringify(this.opts.envelope ? this.opts.envelope(batch, now) : { batch, sentAt: new Date(now).toISOString() })
    for (let attempt = 1; ; attempt++) {
      let status = 0
      let text = ''
      let retryAfter = 0
      try {
        const res = await fetch(new URL(this.opts.path ?? '/v1/batch', this.opts.url), { method: 'POST', headers: { 'content-type': 'application/json', authorization: this.auth }, body })
        status = res.status
        text = await res.text()
        retryAfter = Number(res.headers.get('retry-after')) || 0
      } catch (e) {
        text = String((e as Error).message)
      }
      this.totals.requests++
      if (status === 200) {
        this.totals.sent += batch.length
        return
      }
      const final = (status >= 400 && status < 500 && status !== 429 && status !== 408) || attempt >= MAX_ATTEMPTS
      if (final) {
        this.totals.rejected += batch.length
        if (this.totals.problems.length < 5) this.totals.problems.push(`HTTP ${status || 'error'}: ${text.slice(0, 200)}`)
        if (status === 401) throw userError(`the write key was refused by ${this.opts.url}: pass --write-key with a key of that Pulse`)
        return
      }
      this.totals.retries++
      const backoff = Math.min(30_000, 250 * 2 ** (attempt - 1))
      await new Promise((r) => setTimeout(r, Math.max(backoff, retryAfter * 1000)))
    }
  }
}
