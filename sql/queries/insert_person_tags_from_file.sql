-- The embedded engine's insert of tag states (profile-writer.ts STATES): the processor spooled the rows to a file in
-- that column order; file() takes the table's types.
INSERT INTO person_tags (person_id, tag, layer, active, since, reason, version)
SELECT * FROM file({path:String}, 'TabSeparated')
