// Prometheus metrics of the HTTP edge, registered on the registry the composition root owns.
import { Counter, Histogram, type Registry } from 'prom-client'

export interface IngestMetrics {
  acceptedEvents: Counter<'source' | 'format'>
  rejectedRequests: Counter<'reason'>
  publishSeconds: Histogram
}

export function ingestMetrics(registry: Registry): IngestMetrics {
  return {
    acceptedEvents: new Counter({ name: 'pulse_ingest_accepted_events_total', help: 'events acknowledged to clients (durably in JetStream)', labelNames: ['source', 'format'], registers: [registry] }),
    rejectedRequests: new Counter({ name: 'pulse_ingest_rejected_requests_total', help: 'requests refused, by reason', labelNames: ['reason'], registers: [registry] }),
    publishSeconds: new Histogram({
      name: 'pulse_ingest_publish_seconds',
      help: 'JetStream publish latency (until the ack)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
  }
}
