// The second thread of a BG/NBD fit: waits for a new parameter vector in shared memory, sums the
// log-likelihood and gradient over its part of the rows, writes the sums back and says so. The
// rows arrive once, by message, in shared memory; nothing is copied per evaluation.
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads'
import { bgnbdPartialSums, SUM_FIELDS } from '../../models/value/bgnbd-partial-sums.ts'
import type { BgNbdRows } from '../../models/value/bgnbd-rows.ts'
import { DONE, GENERATION, JOB, READY, STOP, type SumsJob } from './bgnbd-sums-protocol.ts'

const { control, io, port } = workerData as { control: SharedArrayBuffer; io: SharedArrayBuffer; port: MessagePort }
const flags = new Int32Array(control)
const shared = new Float64Array(io)
const theta = shared.subarray(0, 4)
const out = new Float64Array(SUM_FIELDS)
let job: SumsJob | undefined
Atomics.store(flags, READY, 1)
for (let seen = 0; ; ) {
  Atomics.wait(flags, GENERATION, seen)
  seen = Atomics.load(flags, GENERATION)
  if (seen === STOP) break
  // New rows are posted before their first request; wait the moment they may take to arrive.
  while (job?.id !== Atomics.load(flags, JOB)) {
    const message = receiveMessageOnPort(port)
    if (message) job = message.message as SumsJob
    else Atomics.wait(flags, GENERATION, seen, 1)
  }
  const rows: BgNbdRows = job!.rows
  bgnbdPartialSums(rows, job!.from, job!.to, theta, out)
  shared.set(out, 4)
  Atomics.store(flags, DONE, seen)
  Atomics.notify(flags, DONE)
}
port.close()
