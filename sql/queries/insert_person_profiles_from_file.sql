-- The embedded engine's insert of profiles (profile-writer.ts PROFILES): the processor spooled the rows to a file in
-- that column order; file() takes the table's types.
INSERT INTO person_profiles (person_id, ids, spend_365d, orders_180d, tags, alerts_active, health, computed_at, next_change_at, merged_into, version)
SELECT * FROM file({path:String}, 'TabSeparated')
