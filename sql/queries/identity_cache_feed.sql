-- Every row inserted into person_ids reaches the cache with the insert.
CREATE MATERIALIZED VIEW person_of_id_feed TO person_of_id AS
SELECT id, person_id FROM person_ids
