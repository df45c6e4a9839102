// The settings that seal the read session of the embedded engine. They are set once when the
// session opens, in this order, and `readonly = 1` comes last: from then on the engine refuses any
// change of setting (SET or a SETTINGS clause, readonly itself included), every write and DDL, and
// the table functions that reach files, URLs, other servers or processes (ClickHouse docs,
// "Permissions for queries": readonly=1 allows only reads and no setting changes).
import { availableParallelism } from 'node:os'

export interface QueryLimits {
  /** max_execution_time of one query, seconds. */
  timeoutS: number
  /** Rows one result may hold (more: the query fails). */
  maxRows: number
  /** Bytes one uncompressed result may hold (more: the query fails). */
  maxResultBytes: number
  /** Memory one query may use. */
  maxMemoryBytes: number
  /** Threads one query may use; they run at ANALYST_NICE, so ingest comes first on every core. */
  threads: number
}

/**
 * The nice value of a read's threads (the engine's os_thread_priority; it needs CAP_SYS_NICE and
 * is a no-op without it). Ingest's engine threads run at 10 and its HTTP edge at 0, so a query
 * takes the cores they leave idle and yields them under load (Linux CFS weights: 15 at nice 19
 * against 110 at 10 and 1024 at 0).
 */
export const ANALYST_NICE = 19

export const defaultQueryLimits: QueryLimits = { timeoutS: 30, maxRows: 100_000, maxResultBytes: 100 * 1024 * 1024, maxMemoryBytes: 2 * 1024 ** 3, threads: availableParallelism() }

/** Name -> value, in the order they must be set; readonly is the last one. */
export function readSessionSettings(limits: QueryLimits): Array<[string, number | string]> {
  return [
    ['max_execution_time', limits.timeoutS],
    ['timeout_overflow_mode', 'throw'],
    ['max_result_rows', limits.maxRows],
    ['max_result_bytes', limits.maxResultBytes],
    ['result_overflow_mode', 'throw'],
    ['max_memory_usage', limits.maxMemoryBytes],
    ['max_threads', limits.threads],
    ['os_thread_priority', ANALYST_NICE],
    // Every ReplacingMergeTree read is exact (one row per key), without asking for FINAL.
    ['final', 1],
    ['output_format_json_quote_64bit_integers', 0],
    ['allow_ddl', 0],
    ['allow_introspection_functions', 0],
    ['readonly', 1],
  ]
}
