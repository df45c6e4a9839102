// A BG/NBD fit on both cores: a second thread sums the likelihood over half of the grouped rows
// while this one sums the other half. The optimiser stays synchronous: each evaluation posts the
// parameters in shared memory and blocks (Atomics.wait) until the other half is in. Until the
// thread is up, or if it stops answering, this thread sums that half itself, so the sums, and the
// fit, are the same whichever thread computes them.
import { MessageChannel, Worker } from 'node:worker_threads'
import { bgnbdPartialSums, SUM_FIELDS } from '../../models/value/bgnbd-partial-sums.ts'
import type { ArrayMaker, BgNbdRows } from '../../models/value/bgnbd-rows.ts'
import { DONE, FLAGS, GENERATION, JOB, READY, STOP, type SumsJob } from './bgnbd-sums-protocol.ts'

/** Arrays the second thread can read without a copy. */
export const sharedArray: ArrayMaker = (n) => new Float64Array(new SharedArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT))

/** Longest wait for the other half of one evaluation before doing it here (a thread that died). */
const ANSWER_TIMEOUT_MS = 10_000

export interface SumsThread {
  /** The sums over all rows (grouped with `sharedArray`), half of them on the second thread. */
  sums(rows: BgNbdRows): (theta: readonly number[]) => Float64Array
  /** Whether the thread has booted and waits for work. */
  up(): boolean
  /** Evaluations whose second half the thread computed. */
  answered(): number
  close(): Promise<void>
}

/** Starts the thread now, so it boots while the caller reads its file. */
export function startSumsThread(): SumsThread {
  const control = new SharedArrayBuffer(FLAGS * Int32Array.BYTES_PER_ELEMENT)
  const io = new SharedArrayBuffer((4 + SUM_FIELDS) * Float64Array.BYTES_PER_ELEMENT)
  const flags = new Int32Array(control)
  const shared = new Float64Array(io)
  const { port1, port2 } = new MessageChannel()
  const worker = new Worker(new URL('./bgnbd-sums-worker.mjs', import.meta.url), { workerData: { control, io, port: port2 }, transferList: [port2] })
  // A fit that fails half-way must not keep the process alive.
  worker.unref()
  let answering = true
  worker.on('error', () => (answering = false))
  let generation = 0
  let answers = 0
  let jobs = 0
  return {
    sums(rows) {
      const split = rows.count >> 1
      const job: SumsJob = { id: ++jobs, rows, from: split, to: rows.count }
      port1.postMessage(job)
      Atomics.store(flags, JOB, job.id)
      const total = new Float64Array(SUM_FIELDS)
      const theirs = new Float64Array(SUM_FIELDS)
      return (theta) => {
        shared.set(theta, 0)
        generation++
        Atomics.store(flags, GENERATION, generation)
        Atomics.notify(flags, GENERATION)
        bgnbdPartialSums(rows, 0, split, theta, total)
        let answered = false
        if (answering && Atomics.load(flags, READY) === 1) {
          const deadline = performance.now() + ANSWER_TIMEOUT_MS
          for (let done = Atomics.load(flags, DONE); done !== generation && performance.now() < deadline; done = Atomics.load(flags, DONE)) Atomics.wait(flags, DONE, done, 100)
          answered = Atomics.load(flags, DONE) === generation
          if (answered) {
            theirs.set(shared.subarray(4))
            answers++
          } else answering = false
        }
        if (!answered) bgnbdPartialSums(rows, split, rows.count, theta, theirs)
        for (let k = 0; k < SUM_FIELDS; k++) total[k] += theirs[k]
        return total
      }
    },
    up: () => Atomics.load(flags, READY) === 1,
    answered: () => answers,
    async close() {
      Atomics.store(flags, GENERATION, STOP)
      Atomics.notify(flags, GENERATION)
      port1.close()
      await worker.terminate()
    },
  }
}
