// Backpressure for the HTTP edge: when the requests not yet processed exceed --max-backlog
// (messages) or --max-backlog-bytes, ingest answers 429 + Retry-After (SDKs back off and retry)
// well before the stream itself is full and refuses writes.
import type { ConsumerInfo, JetStreamManager, StreamState } from '@nats-io/jetstream'

export interface StreamSample {
  /** Messages not yet delivered to any processor (the consumer lag). */
  undelivered: number
  /** Messages not yet acked: undelivered plus delivered and in flight. */
  unprocessedMessages: number
  /**
   * Estimated bytes of those: unprocessed messages x the stream's mean stored message size.
   * JetStream reports bytes for the stream as a whole only; requests are of similar size, so the
   * mean is close, and the estimate never exceeds the stream's bytes.
   */
  unprocessedBytes: number
  /** Processed messages still in the stream (ack floor - first sequence + 1): the replay window. */
  replayWindowMessages: number
  streamBytes: number
  streamMessages: number
  firstSeq: number
  /** Every message up to this stream sequence is acked. */
  ackFloor: number
}

export function streamSample(state: StreamState, consumer: ConsumerInfo): StreamSample {
  const unprocessedMessages = consumer.num_pending + consumer.num_ack_pending
  const meanBytes = state.messages > 0 ? state.bytes / state.messages : 0
  const ackFloor = consumer.ack_floor.stream_seq
  return {
    undelivered: consumer.num_pending,
    unprocessedMessages,
    unprocessedBytes: Math.min(state.bytes, Math.round(unprocessedMessages * meanBytes)),
    replayWindowMessages: state.messages > 0 ? Math.max(0, Math.min(ackFloor, state.last_seq) - state.first_seq + 1) : 0,
    streamBytes: state.bytes,
    streamMessages: state.messages,
    firstSeq: state.first_seq,
    ackFloor,
  }
}

export async function sampleStream(jsm: JetStreamManager, stream: string, consumer: string): Promise<StreamSample> {
  const [s, c] = await Promise.all([jsm.streams.info(stream), jsm.consumers.info(stream, consumer)])
  return streamSample(s.state, c)
}

export interface BacklogLimits {
  maxMessages: number
  maxBytes: number
}

export interface BacklogGuard {
  overLimit(): boolean
  stop(): void
}

/** Samples every `intervalMs`; `onSample` receives each sample (metrics, trimming). */
export function backlogGuard(sample: () => Promise<StreamSample>, limits: BacklogLimits, onSample: (s: StreamSample) => void = () => {}, intervalMs = 500): BacklogGuard {
  let over = false
  let sampling = false
  const check = async () => {
    if (sampling) return // a slow NATS answer: no pile-up of requests
    sampling = true
    try {
      const s = await sample()
      over = s.unprocessedMessages > limits.maxMessages || s.unprocessedBytes > limits.maxBytes
      onSample(s)
    } catch {
      // NATS unreachable: the publisher answers 503 by itself; keep the last verdict.
    } finally {
      sampling = false
    }
  }
  void check()
  const timer = setInterval(() => void check(), intervalMs)
  timer.unref()
  return {
    overLimit: () => over,
    stop: () => clearInterval(timer),
  }
}
