-- The person an id names: a person id first (one holding some id, or with a stored profile), else
-- the person of a user, anonymous or distinct id. Person ids come first because they are derived
-- from ids anyone may know: a user id spelling someone's person id must not take over its lookup.
-- A person merged into another answers as the one it was merged into.
SELECT if(merged_into != '', merged_into, person_id) AS person_id
FROM
(
    SELECT person_id, 0 AS rank, '' AS merged_into FROM person_ids FINAL WHERE person_id = {id:String}
    UNION ALL
    SELECT person_id, 1 AS rank, merged_into FROM person_profiles FINAL WHERE person_id = {id:String}
    UNION ALL
    SELECT person_id, 2 AS rank, '' AS merged_into FROM person_ids FINAL WHERE id = {id:String}
)
ORDER BY rank
LIMIT 1
