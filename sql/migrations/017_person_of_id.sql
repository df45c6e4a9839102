-- Each id's person as the analyses read it (funnels, retention, lifecycle, paths, stickiness and
-- the dashboards join their events to it): one row per id, the latest assignment. Here a view of
-- person_ids FINAL, exact wherever it runs; on the embedded engine sql/profiles/identity-cache.ts
-- replaces it with an in-memory hash table of the same rows (a Join-engine table fed by every
-- insert into person_ids), so a query no longer reads and hashes every id first.
CREATE VIEW IF NOT EXISTS person_of_id AS SELECT id, person_id FROM person_ids FINAL
