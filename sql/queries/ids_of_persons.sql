-- The ids the identity table puts on each of {persons}, sorted.
SELECT person_id, arraySort(groupArray(id)) AS ids
FROM person_ids FINAL
WHERE person_id IN {persons:Array(String)}
GROUP BY person_id
