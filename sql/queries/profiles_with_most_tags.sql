-- A few current persons holding the most tags, for the demo's showcase.
SELECT person_id, ids, tags, round(health, 1) AS health
FROM person_profiles FINAL
WHERE merged_into = ''
ORDER BY length(tags) DESC, person_id
LIMIT {limit:UInt32}
