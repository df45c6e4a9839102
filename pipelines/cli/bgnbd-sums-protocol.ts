// What the fitting thread and the BG/NBD likelihood thread share: four Int32 flags (the request's
// generation, STOP ending the thread; the last generation answered; 1 once the thread is up; the
// number of the rows the request is about) and, in a Float64 area, the log-parameters (4)
// followed by the answered sums.
import type { BgNbdRows } from '../../models/value/bgnbd-rows.ts'

export const GENERATION = 0
export const DONE = 1
export const READY = 2
export const JOB = 3
export const FLAGS = 4
export const STOP = -1

/** The rows (their arrays in shared memory) and the range [from, to) the thread sums. */
export interface SumsJob {
  id: number
  rows: BgNbdRows
  from: number
  to: number
}
