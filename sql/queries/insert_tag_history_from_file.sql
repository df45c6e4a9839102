-- The embedded engine's insert of tag-history rows (profile-writer.ts HISTORY): the processor spooled the rows to a file in
-- that column order; file() takes the table's types.
INSERT INTO tag_history (person_id, ids, tag, layer, change, at, reason)
SELECT * FROM file({path:String}, 'TabSeparated')
