-- Whether the identity table exists yet (a fresh folder has none before its migrations) and what
-- person_of_id is now: the migration's view, the embedded engine's Join table, or nothing.
SELECT
    (SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'person_ids') AS has_person_ids,
    (SELECT any(engine) FROM system.tables WHERE database = currentDatabase() AND name = 'person_of_id') AS engine
