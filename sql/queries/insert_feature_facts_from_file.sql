-- The embedded engine's facts insert: a batch's facts spooled to a file in the column order of
-- feature-facts-writer.ts's FACT_COLUMNS; the materialized view files them into feature_rollup.
-- optimize_on_insert = 0: facts of one (id, day) are joined by the merges and the reader, not here.
INSERT INTO feature_facts_input (source, message_id, key_id, ts, received_at, flags, detail)
SELECT * FROM file({path:String}, 'TabSeparated')
SETTINGS optimize_on_insert = 0
