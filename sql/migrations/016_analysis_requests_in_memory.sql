-- analysis_requests (migration 015) held in memory, a bounded ring of the latest rows, instead of
-- on disk for a day. A row is needed only from just before its statements run until they have
-- started (each reads its parameters once, as a constant, when it is planned), and every call of
-- the query API with new parameter values writes one: on disk, a read key sending such calls in a
-- loop filled it. The engine drops the oldest rows past either bound; a statement whose row is
-- gone fails (sql/queries/analysis_request_params.sql) and is run again with a new row
-- (sql/read-path/analysis-session.ts). Rows do not survive a restart, which nothing needs.
DROP TABLE IF EXISTS analysis_requests;

CREATE TABLE analysis_requests
(
    id          String,
    params      String,
    created_at  DateTime('UTC') DEFAULT now()
)
ENGINE = Memory
SETTINGS max_rows_to_keep = 100000, max_bytes_to_keep = 134217728
