// The embedded ClickHouse engine's threads (inserts, merges, background pools) do batch work in
// this process; at nice 10 they yield the CPU to the HTTP edge and to nats-server, whose answers
// clients wait on. Linux only: elsewhere, or without permission, nothing changes.
import { readdirSync, readFileSync } from 'node:fs'
import { setPriority } from 'node:os'
import { BATCH_NICE } from './batch-thread-priority.ts'

/** Node's own threads (main, V8 helpers, libuv pool, workers) are all named "node". */
const NODE_THREAD = 'node'

function reniceEngineThreads(seen: Set<number>): void {
  let tids: string[]
  try {
    tids = readdirSync('/proc/self/task')
  } catch {
    return
  }
  for (const t of tids) {
    const tid = Number(t)
    if (seen.has(tid)) continue
    try {
      if (readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() === NODE_THREAD) continue
      setPriority(tid, BATCH_NICE)
      seen.add(tid)
    } catch {
      // The thread ended meanwhile, or renicing is not allowed.
    }
  }
}

/** Renices the engine's threads now and as its pools grow; returns a function that stops. */
export function deprioritiseEngineThreads(intervalMs = 5000): () => void {
  const seen = new Set<number>()
  reniceEngineThreads(seen)
  const timer = setInterval(() => reniceEngineThreads(seen), intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
