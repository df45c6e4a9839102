-- The person an id belongs to: a user, anonymous or distinct id first, else the id taken as a
-- person id itself (one holding some id, or with a stored profile).
SELECT person_id
FROM
(
    SELECT person_id, 0 AS rank FROM person_ids FINAL WHERE id = {id:String}
    UNION ALL
    SELECT person_id, 1 AS rank FROM person_ids FINAL WHERE person_id = {id:String}
    UNION ALL
    SELECT person_id, 2 AS rank FROM person_profiles FINAL WHERE person_id = {id:String}
)
ORDER BY rank
LIMIT 1
