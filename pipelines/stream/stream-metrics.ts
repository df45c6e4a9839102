// Prometheus metrics of the stream as a whole, sampled by the backlog guard in every process.
import { Gauge, type Registry } from 'prom-client'
import type { StreamSample } from './backlog-guard.ts'

export function streamMetrics(registry: Registry): (s: StreamSample) => void {
  const registers = [registry]
  const replayWindow = new Gauge({ name: 'pulse_stream_replay_window_messages', help: 'processed requests still in the stream (consumer ack floor - first sequence + 1): how far back pulse replay reaches', registers })
  const unprocessedBytes = new Gauge({ name: 'pulse_stream_unprocessed_bytes', help: 'estimated bytes of requests not yet processed (unacked messages x mean message size); compare --max-backlog-bytes', registers })
  const unprocessedMessages = new Gauge({ name: 'pulse_stream_unprocessed_messages', help: 'requests not yet processed (undelivered + in flight); compare --max-backlog', registers })
  const streamBytes = new Gauge({ name: 'pulse_stream_bytes', help: 'bytes stored in the stream; compare --max-stream-bytes', registers })
  return (s) => {
    replayWindow.set(s.replayWindowMessages)
    unprocessedBytes.set(s.unprocessedBytes)
    unprocessedMessages.set(s.unprocessedMessages)
    streamBytes.set(s.streamBytes)
  }
}
