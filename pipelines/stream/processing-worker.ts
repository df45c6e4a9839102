// The processing worker thread: turns stored messages into encoded rows and dead letters, so the
// main thread keeps its time for HTTP, NATS and the inserts. The encoded rows stay here until
// their batch is sealed, and then go to the spool file the engine reads (or back as one buffer):
// the main thread never holds them, which spares it most of its garbage collections (large
// buffers passing through a thread's heap are what trigger its full collections). Each message's
// rows are kept apart until the batch is released, so that a batch the engine refuses can be
// sent again in parts (row-ranges) to find the rows it refuses.
import { parentPort, workerData } from 'node:worker_threads'
import type { StoredMessage } from './message-decoding.ts'
import { processMessage, type ProcessingSettings } from './message-processing.ts'
import { writeSpoolFileSync } from '../../sql/spool-folder.ts'
import { deprioritiseThisThread } from '../runtime/batch-thread-priority.ts'

/** Rows [from, to) of the message at `index` in its batch. */
export interface RowRange {
  index: number
  from: number
  to: number
}

export type WorkerRequest =
  | { kind: 'process'; id: number; batch: number; index: number; message: StoredMessage }
  | { kind: 'seal'; id: number; batch: number; spoolFile: string | null }
  | { kind: 'piece'; id: number; batch: number; ranges: RowRange[]; spoolFile: string | null }
  | { kind: 'line'; id: number; batch: number; range: RowRange }
  | { kind: 'release'; id: number; batch: number }

deprioritiseThisThread()

// Given once when the thread starts: cloning them with every message cost a few per cent of the rate.
const settings = workerData as ProcessingSettings

/** A Uint8Array that alone owns its whole ArrayBuffer (small Buffers share a pool), so it can be moved. */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}

interface OpenBatch {
  /** Encoded rows by message index, in the order the messages came. */
  parts: Map<number, Uint8Array>
  rowCount: number
}

const batches = new Map<number, OpenBatch>()

/** Rows [from, to) of one message's lines (TSV escapes line feeds in values, so each row is one line). */
function rowsOf(part: Uint8Array, from: number, to: number): Uint8Array {
  let start = 0
  for (let row = 0; row < from; row++) start = part.indexOf(10, start) + 1
  let end = start
  for (let row = from; row < to; row++) end = part.indexOf(10, end) + 1
  return part.subarray(start, end)
}

function held(batch: number): OpenBatch {
  const b = batches.get(batch)
  if (!b) throw new Error(`the processing worker no longer holds batch ${batch} (it restarted)`)
  return b
}

/**
 * Writes `bytes` to the spool file, or moves them back to the main thread; true when spooled.
 * A failed spool write (a full /dev/shm) sends the bytes instead: the insert spools them elsewhere.
 */
function hand(id: number, rowCount: number, bytes: Uint8Array, spoolFile: string | null): boolean {
  if (spoolFile && writeSpoolFileSync(spoolFile, bytes)) {
    parentPort!.postMessage({ id, sealed: { rowCount, rows: { file: spoolFile } } })
    return true
  }
  const own = ownBuffer(bytes)
  parentPort!.postMessage({ id, sealed: { rowCount, rows: { bytes: own } } }, [own.buffer as ArrayBuffer])
  return false
}

function handle(req: WorkerRequest): void {
  switch (req.kind) {
    case 'process': {
      const { tsv, rowCount, deadLetters, facts, keyIds, links, userIds } = processMessage(req.message, settings)
      if (tsv) {
        let b = batches.get(req.batch)
        if (!b) batches.set(req.batch, (b = { parts: new Map(), rowCount: 0 }))
        b.parts.set(req.index, tsv)
        b.rowCount += rowCount
      }
      parentPort!.postMessage({ id: req.id, result: { rowCount, deadLetters, facts, keyIds, links, userIds } })
      return
    }
    case 'seal': {
      const b = batches.get(req.batch)
      if (!b) {
        parentPort!.postMessage({ id: req.id, sealed: { rowCount: 0, rows: null } })
        return
      }
      const bytes = Buffer.concat([...b.parts.values()])
      // Written to a file, the batch body stays here: each message's rows become a view on it, so
      // a batch is held once, not twice (moved to the main thread, the body is gone: parts stay).
      if (hand(req.id, b.rowCount, bytes, req.spoolFile)) {
        let offset = 0
        for (const [index, part] of b.parts) {
          b.parts.set(index, bytes.subarray(offset, offset + part.byteLength))
          offset += part.byteLength
        }
      }
      return
    }
    case 'piece': {
      const b = held(req.batch)
      const parts = req.ranges.map((r) => rowsOf(b.parts.get(r.index)!, r.from, r.to))
      hand(req.id, req.ranges.reduce((n, r) => n + r.to - r.from, 0), Buffer.concat(parts), req.spoolFile)
      return
    }
    case 'line': {
      const { index, from, to } = req.range
      const line = Buffer.from(rowsOf(held(req.batch).parts.get(index)!, from, to)).toString('utf8')
      parentPort!.postMessage({ id: req.id, line })
      return
    }
    case 'release':
      batches.delete(req.batch)
      parentPort!.postMessage({ id: req.id })
  }
}

parentPort!.on('message', (req: WorkerRequest) => {
  try {
    handle(req)
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: String((err as Error)?.stack ?? err) })
  }
})
