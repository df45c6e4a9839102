// The processing worker thread: turns stored messages into encoded rows and dead letters, so the
// main thread keeps its time for HTTP, NATS and the inserts.
import { parentPort } from 'node:worker_threads'
import type { EventLimits } from '../models/event-checks.ts'
import type { StoredMessage } from './message-decoding.ts'
import { processMessage } from './message-processing.ts'

export interface WorkerJob {
  id: number
  message: StoredMessage
  limits: EventLimits
}

parentPort!.on('message', (job: WorkerJob) => {
  try {
    parentPort!.postMessage({ id: job.id, result: processMessage(job.message, job.limits) })
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: String((err as Error)?.stack ?? err) })
  }
})
