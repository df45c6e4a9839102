-- The persons holding {tag} now.
SELECT person_id
FROM person_tags FINAL
WHERE tag = {tag:String} AND active = 1
