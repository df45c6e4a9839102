-- The embedded engine's event insert: the batch is spooled to a file and read by file(), whose
-- types come from the insertion table. The column order is event-writer.ts's EVENT_COLUMNS
-- (a test holds the two together). optimize_on_insert = 0: copies within one insert are left for
-- the merges and FINAL to collapse, as copies across inserts are; collapsing them here cost a
-- tenth of the sustained rate (bench/RESULTS.md).
INSERT INTO events (
    source, message_id, type, event, anonymous_id, user_id, distinct_id, group_id, previous_id, session_id,
    ts, original_ts, sent_at, received_at, properties, traits, context, revenue, currency, url, ip,
    library, library_version, warnings, stream_seq
)
SELECT * FROM file({path:String}, 'TabSeparated')
SETTINGS optimize_on_insert = 0
