// Writes webhook delivery attempts to webhook_deliveries. Attempts are gathered and inserted
// together (at most every `flushMs`), one insert per attempt would cost more than the requests.
import { engineTimeText } from '../engine-time-text.ts'
import type { ClickHouseClient } from '@clickhouse/client'

export interface DeliveryAttempt {
  webhook: string
  subject: string
  deliveryId: string
  attempt: number
  status: 'delivered' | 'retrying' | 'failed'
  httpStatus: number | null
  error: string
  durationMs: number
  /** ms since epoch. */
  at: number
}

export interface DeliveryLog {
  record(a: DeliveryAttempt): void
  /** Inserts what is gathered; on failure keeps it for the next flush. */
  flush(): Promise<void>
  stop(): Promise<void>
}

/** Kept while the engine refuses inserts; past it the oldest attempts are dropped (and counted in the log). */
const MAX_PENDING = 100_000


export function deliveryLog(client: ClickHouseClient, opts: { flushMs?: number; onError?: (err: unknown, dropped: number) => void } = {}): DeliveryLog {
  let pending: DeliveryAttempt[] = []
  let writing: Promise<void> = Promise.resolve()
  const write = async () => {
    if (pending.length === 0) return
    const rows = pending
    pending = []
    try {
      await client.insert({
        table: 'webhook_deliveries',
        format: 'JSONEachRow',
        values: rows.map((a) => ({
          webhook: a.webhook,
          subject: a.subject,
          delivery_id: a.deliveryId,
          attempt: a.attempt,
          status: a.status,
          http_status: a.httpStatus,
          error: a.error,
          duration_ms: Math.max(0, Math.round(a.durationMs)),
          at: engineTimeText(a.at),
        })),
      })
    } catch (err) {
      pending = rows.concat(pending)
      const dropped = Math.max(0, pending.length - MAX_PENDING)
      if (dropped > 0) pending = pending.slice(dropped)
      opts.onError?.(err, dropped)
    }
  }
  const flush = () => (writing = writing.then(write))
  const timer = setInterval(() => void flush(), opts.flushMs ?? 500)
  timer.unref()
  return {
    record: (a) => void pending.push(a),
    flush,
    stop: async () => {
      clearInterval(timer)
      await flush()
    },
  }
}
