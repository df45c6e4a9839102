// Worker threads that do batch work (processing requests, fitting models) run at nice 10, so they
// yield the CPU to the main thread, whose HTTP answers are what clients wait on. Linux only:
// /proc/thread-self names the calling thread's id, and a thread's nice value is its own.
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'

export const BATCH_NICE = 10

/** Lowers the calling thread's priority; elsewhere, or without permission, it runs as it is. */
export function deprioritiseThisThread(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (tid) setPriority(tid, BATCH_NICE)
  } catch {
    // Not Linux, or not allowed: normal priority.
  }
}
