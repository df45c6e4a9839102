// The last resort of a shutdown: a worker thread that kills the child processes and then the
// process itself when the shutdown outlives its budget. A thread, not a timer, because the step
// that hangs may be native code holding the main thread (an engine query that never returns),
// where no timer of the main event loop can fire.
import { Worker } from 'node:worker_threads'

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads')
const { writeSync } = require('node:fs')
setTimeout(() => {
  writeSync(2, 'pulse: shutdown did not finish within ' + workerData.timeoutMs + ' ms; killing the process\\n')
  for (const pid of workerData.childPids) {
    try { process.kill(pid, 'SIGKILL') } catch {}
  }
  process.kill(process.pid, 'SIGKILL')
}, workerData.timeoutMs)
`

export interface ShutdownWatchdog {
  disarm(): void
}

/** After `timeoutMs` the children in `childPids` and this process are killed (exit status 137). */
export function armShutdownWatchdog(timeoutMs: number, childPids: number[]): ShutdownWatchdog {
  const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { timeoutMs, childPids } })
  worker.unref()
  return { disarm: () => void worker.terminate() }
}
