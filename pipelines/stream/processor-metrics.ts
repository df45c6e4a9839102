// Prometheus metrics of the stream processor.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface ProcessorMetrics {
  storedEvents: Counter
  deadLetters: Counter<'reason'>
  batchEvents: Histogram
  insertSeconds: Histogram
  insertFailures: Counter
  consumerLag: Gauge
  waitingForEngine: Gauge
  heldMessages: Gauge
}

export function processorMetrics(registry: Registry): ProcessorMetrics {
  const registers = [registry]
  return {
    storedEvents: new Counter({ name: 'pulse_processor_stored_events_total', help: 'events inserted into ClickHouse', registers }),
    deadLetters: new Counter({ name: 'pulse_processor_dead_letters_total', help: 'events or requests written to dead_letters, by reason', labelNames: ['reason'], registers }),
    batchEvents: new Histogram({ name: 'pulse_processor_batch_events', help: 'events per ClickHouse insert', buckets: [1, 10, 100, 1000, 5000, 10000, 20000, 50000, 100000], registers }),
    insertSeconds: new Histogram({ name: 'pulse_processor_insert_seconds', help: 'ClickHouse insert latency', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers }),
    insertFailures: new Counter({ name: 'pulse_processor_insert_failures_total', help: 'failed ClickHouse insert attempts (retried; rows the engine refuses are dead-lettered)', registers }),
    consumerLag: new Gauge({ name: 'pulse_processor_consumer_lag_messages', help: 'messages in the stream not yet delivered to the consumer', registers }),
    heldMessages: new Gauge({ name: 'pulse_processor_held_messages', help: 'messages pulled from the stream and not yet acked (in batches, or held through an outage)', registers }),
    waitingForEngine: new Gauge({ name: 'pulse_processor_waiting_for_engine', help: '1 while ClickHouse is unavailable and the processor holds its batches, retrying', registers }),
  }
}
