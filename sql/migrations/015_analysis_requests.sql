-- The parameters of an analysis (funnel, retention, lifecycle, paths, stickiness) run on the
-- embedded engine, one row per run. chdb runs every statement with bound parameters one at a time
-- across all sessions of the process (its Node binding serializes them against a race in the
-- engine's parameter state), so an analysis bound the usual way held every other parameterized
-- read (the query API, profiles) behind it for its whole run. Stored as data here and read by the
-- analysis through a scalar subquery, its parameters need no binding and the analysis runs beside
-- other statements (sql/read-path/analysis-session.ts). `params` is the JSON object of the bound
-- parameters; a row is written by Pulse only, never from SQL text, and expires after a day.
CREATE TABLE IF NOT EXISTS analysis_requests
(
    id          String,
    params      String,
    created_at  DateTime('UTC') DEFAULT now()
)
ENGINE = MergeTree
ORDER BY id
TTL created_at + INTERVAL 1 DAY
