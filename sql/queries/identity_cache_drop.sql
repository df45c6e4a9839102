-- The view of migration 017, or the previous process's (empty) table.
DROP TABLE IF EXISTS person_of_id
