-- The ids the identity table puts on a person.
SELECT id
FROM person_ids FINAL
WHERE person_id = {person:String}
ORDER BY id
