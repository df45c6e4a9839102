-- Every current person, in pages (after a population threshold moved, all are re-tagged).
SELECT person_id
FROM person_profiles FINAL
WHERE merged_into = '' AND person_id > {after:String}
ORDER BY person_id
LIMIT {limit:UInt32}
