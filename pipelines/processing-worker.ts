// The processing worker thread: turns stored messages into encoded rows and dead letters, so the
// main thread keeps its time for HTTP, NATS and the inserts.
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { parentPort } from 'node:worker_threads'
import type { EventLimits } from '../models/event-checks.ts'
import type { StoredMessage } from './message-decoding.ts'
import { processMessage } from './message-processing.ts'

export interface WorkerJob {
  id: number
  message: StoredMessage
  limits: EventLimits
}

// Batch work yields the CPU to the main thread, whose HTTP answers are what clients wait on.
// Linux: /proc/thread-self names this thread's id, and a thread's nice value is its own.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
  if (tid) setPriority(tid, 10)
} catch {
  // Not Linux, or not allowed: the worker runs at normal priority.
}

parentPort!.on('message', (job: WorkerJob) => {
  try {
    parentPort!.postMessage({ id: job.id, result: processMessage(job.message, job.limits) })
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: String((err as Error)?.stack ?? err) })
  }
})
