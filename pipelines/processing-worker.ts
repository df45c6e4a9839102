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
const WORKER_NICE = 10
// Linux: /proc/thread-self names this thread's id, and a thread's nice value is its own.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
  if (tid) setPriority(tid, WORKER_NICE)
} catch {
  // Not Linux, or not allowed: the worker runs at normal priority.
}

/** A Uint8Array that alone owns its whole ArrayBuffer (small Buffers share a pool), so it can move. */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}

parentPort!.on('message', (job: WorkerJob) => {
  try {
    const result = processMessage(job.message, job.limits)
    // Move the encoded rows back instead of copying them: fewer large allocations on the main
    // thread means fewer full garbage collections there (each one delays HTTP answers).
    const tsv = result.tsv && ownBuffer(result.tsv)
    parentPort!.postMessage({ id: job.id, result: { ...result, tsv } }, tsv ? [tsv.buffer as ArrayBuffer] : [])
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: String((err as Error)?.stack ?? err) })
  }
})
