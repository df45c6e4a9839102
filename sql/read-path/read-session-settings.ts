// The settings that seal the read session of the embedded engine. They are set once when the
// session opens, in this order, and `readonly = 1` comes last: from then on the engine refuses any
// change of setting (SET or a SETTINGS clause, readonly itself included), every write and DDL, and
// the table functions that reach files, URLs, other servers or processes (ClickHouse docs,
// "Permissions for queries": readonly=1 allows only reads and no setting changes).

export interface QueryLimits {
  /** max_execution_time of one query, seconds. */
  timeoutS: number
  /** Rows one result may hold (more: the query fails). */
  maxRows: number
  /** Bytes one uncompressed result may hold (more: the query fails). */
  maxResultBytes: number
  /** Memory one query may use. */
  maxMemoryBytes: number
  /** Threads one query may use, so ingest keeps a core while an analyst query runs. */
  threads: number
}

export const defaultQueryLimits: QueryLimits = { timeoutS: 30, maxRows: 100_000, maxResultBytes: 100 * 1024 * 1024, maxMemoryBytes: 2 * 1024 ** 3, threads: 1 }

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
    // Every ReplacingMergeTree read is exact (one row per key), without asking for FINAL.
    ['final', 1],
    ['output_format_json_quote_64bit_integers', 0],
    ['allow_ddl', 0],
    ['allow_introspection_functions', 0],
    ['readonly', 1],
  ]
}
