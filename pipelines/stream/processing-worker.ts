// The processing worker thread: turns stored messages into encoded rows and dead letters, so the
// main thread keeps its time for HTTP, NATS and the inserts. The encoded rows stay here until
// their batch is sealed, and then go to the spool file the engine reads (or back as one buffer):
// the main thread never holds them, which spares it most of its garbage collections (large
// buffers passing through a thread's heap are what trigger its full collections).
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { parentPort } from 'node:worker_threads'
import type { EventLimits } from '../../models/events/event-checks.ts'
import type { StoredMessage } from './message-decoding.ts'
import { processMessage } from './message-processing.ts'
import { writeSpoolFileSync } from '../../sql/spool-folder.ts'

export type WorkerRequest =
  | { kind: 'process'; id: number; batch: number; message: StoredMessage; limits: EventLimits }
  | { kind: 'seal'; id: number; batch: number; spoolFile: string | null }

// Batch work yields the CPU to the main thread, whose HTTP answers are what clients wait on.
const WORKER_NICE = 10
// Linux: /proc/thread-self names this thread's id, and a thread's nice value is its own.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
  if (tid) setPriority(tid, WORKER_NICE)
} catch {
  // Not Linux, or not allowed: the worker runs at normal priority.
}

/** A Uint8Array that alone owns its whole ArrayBuffer (small Buffers share a pool), so it can be moved. */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}

interface OpenBatch {
  parts: Uint8Array[]
  rowCount: number
}

const batches = new Map<number, OpenBatch>()

function handle(req: WorkerRequest): void {
  if (req.kind === 'process') {
    const { tsv, rowCount, deadLetters } = processMessage(req.message, req.limits)
    if (tsv) {
      let b = batches.get(req.batch)
      if (!b) batches.set(req.batch, (b = { parts: [], rowCount: 0 }))
      b.parts.push(tsv)
      b.rowCount += rowCount
    }
    parentPort!.postMessage({ id: req.id, result: { rowCount, deadLetters } })
    return
  }
  const b = batches.get(req.batch)
  batches.delete(req.batch)
  if (!b) {
    parentPort!.postMessage({ id: req.id, sealed: { rowCount: 0, rows: null } })
    return
  }
  const bytes = Buffer.concat(b.parts)
  // A failed spool write (a full /dev/shm) sends the bytes instead: the insert spools them elsewhere.
  if (req.spoolFile && writeSpoolFileSync(req.spoolFile, bytes)) {
    parentPort!.postMessage({ id: req.id, sealed: { rowCount: b.rowCount, rows: { file: req.spoolFile } } })
  } else {
    const own = ownBuffer(bytes)
    parentPort!.postMessage({ id: req.id, sealed: { rowCount: b.rowCount, rows: { bytes: own } } }, [own.buffer as ArrayBuffer])
  }
}

parentPort!.on('message', (req: WorkerRequest) => {
  try {
    handle(req)
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: String((err as Error)?.stack ?? err) })
  }
})
