-- bench/analytics only: merges still running, active parts of the analysis table, and the memory
-- the engine tracks now (chdb keeps no query_log, so no per-query peak is stored).
SELECT
    (SELECT count() FROM system.merges) AS merges,
    (SELECT count() FROM system.parts WHERE active AND database = currentDatabase() AND table = 'events_by_day') AS parts,
    (SELECT sum(rows) FROM system.parts WHERE active AND database = currentDatabase() AND table = 'events_by_day') AS rows,
    (SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = currentDatabase() AND table = 'events_by_day') AS bytes_on_disk,
    (SELECT value FROM system.metrics WHERE metric = 'MemoryTracking') AS tracked_bytes
