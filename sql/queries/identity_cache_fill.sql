INSERT INTO person_of_id (id, person_id)
SELECT id, person_id FROM person_ids FINAL
