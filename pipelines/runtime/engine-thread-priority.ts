// The embedded ClickHouse engine's threads (inserts, merges, background pools) do batch work in
// this process; at nice 10 they yield the CPU to the HTTP edge and to nats-server, whose answers
// clients wait on. Analyses and query API calls run lower still: their sessions ask the engine for
// nice 19 (os_thread_priority, sql/read-path/read-session-settings.ts), and the engine puts a pool
// thread back to nice 0 when such a query lets it go, so every tick looks at all the engine's
// threads again and lowers those at 0. Linux only: elsewhere, or without permission, nothing changes.
import { readdirSync, readFileSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'
import { BATCH_NICE } from './batch-thread-priority.ts'

/** Node's own threads (main, V8 helpers, libuv pool, workers) are all named "node". */
const NODE_THREAD = 'node'

/**
 * Engine threads seen so far. A thread the engine starts from one of Node's threads carries the name
 * "node" until the engine names it (some pool threads only when they take their first job), so a
 * thread named "node" is looked at again on every tick instead of being taken for Node's own.
 */
type KnownThreads = Set<number>

function reniceEngineThreads(known: KnownThreads): void {
  let tids: string[]
  try {
    tids = readdirSync('/proc/self/task')
  } catch {
    return
  }
  for (const t of tids) {
    const tid = Number(t)
    try {
      if (!known.has(tid)) {
        if (readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() === NODE_THREAD) continue
        known.add(tid)
        setPriority(tid, BATCH_NICE)
      } else if (getPriority(tid) === 0) {
        // Handed back by a query that ran lower (at 19 it is running one: left alone).
        setPriority(tid, BATCH_NICE)
      }
    } catch {
      // The thread ended meanwhile, or renicing is not allowed.
    }
  }
  // Forget ended threads (pools shrink and grow); a reused id is looked at afresh.
  const alive = new Set(tids.map(Number))
  for (const tid of known) if (!alive.has(tid)) known.delete(tid)
}

/** Renices the engine's threads now and at every tick; returns a function that stops. */
export function deprioritiseEngineThreads(intervalMs = 1000): () => void {
  const known: KnownThreads = new Set()
  reniceEngineThreads(known)
  const timer = setInterval(() => reniceEngineThreads(known), intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

/** CAP_SYS_NICE's bit in the capability sets of /proc/self/status (linux/capability.h). */
const CAP_SYS_NICE = 23n

/**
 * False on Linux when this process lacks CAP_SYS_NICE: the engine then leaves a read's threads at
 * the nice they had (os_thread_priority is a no-op without it), so analyst queries run at nice 10
 * beside ingest's engine work instead of below it. Null elsewhere.
 */
export function canLowerReadThreads(): boolean | null {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapEff:'))
    if (!line) return null
    return ((BigInt('0x' + line.split(/\s+/)[1]) >> CAP_SYS_NICE) & 1n) === 1n
  } catch {
    return null
  }
}
