// Backpressure for the HTTP edge: when more requests wait for the processors than --max-backlog,
// ingest answers 429 + Retry-After (SDKs back off and retry) instead of letting the stream grow
// until its oldest unprocessed requests would be discarded.
import type { Consumer } from '@nats-io/jetstream'

export interface BacklogGuard {
  overLimit(): boolean
  stop(): void
}

/** `onSample` receives the messages not yet delivered (the consumer lag) at each sample. */
export function backlogGuard(consumer: Consumer, maxBacklog: number, onSample: (undelivered: number) => void = () => {}, intervalMs = 500): BacklogGuard {
  let waiting = 0
  const check = () =>
    consumer.info(false).then(
      (i) => {
        waiting = i.num_pending + i.num_ack_pending
        onSample(i.num_pending)
      },
      () => {},
    )
  void check()
  const timer = setInterval(check, intervalMs)
  timer.unref()
  return {
    overLimit: () => waiting > maxBacklog,
    stop: () => clearInterval(timer),
  }
}
