// How long the embedded engine keeps freed memory before handing it back to the system. chdb's
// allocator (jemalloc, configured by JE_MALLOC_CONF) returns freed pages within seconds by default,
// so an analyst's next query a few seconds later faults its working memory in again: the month's
// 5-step funnel run once a second took 1.0-1.2 s with 200-300 ms of system time, and 0.70-0.72 s
// with 40-50 ms once the pages are kept for a minute (bench/RESULTS.md, "Analytics"). The cost is
// resident memory: up to the peak of the last minute stays mapped (reused by the next statements).
// jemalloc reads the variable once, when the engine's library loads: this module is imported before
// chdb (sql/clickhouse-client.ts). An operator's own JE_MALLOC_CONF is left as it is.
export const ENGINE_ALLOCATOR_CONF = 'dirty_decay_ms:60000,muzzy_decay_ms:60000'

if (process.env.JE_MALLOC_CONF === undefined) process.env.JE_MALLOC_CONF = ENGINE_ALLOCATOR_CONF
