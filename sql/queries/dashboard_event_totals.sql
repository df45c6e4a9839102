-- Dashboards: events stored in [{from}, {to}) ms and in all, and the newest event time and receive
-- time (ms; NULL when none is stored), for the ingestion health and freshness of every page.
SELECT
    countIf(ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')) AS events_in_range,
    count() AS events_total,
    if(count() = 0, NULL, toUnixTimestamp64Milli(max(ts))) AS newest_event_ms,
    if(count() = 0, NULL, toUnixTimestamp64Milli(max(received_at))) AS newest_received_ms
FROM events FINAL
