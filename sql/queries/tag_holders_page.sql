-- The persons holding {tag} now, in person id order: those after {after} up to {through} ('' for
-- no upper bound), at most {limit}, each with its ids (from the identity table, else as last
-- profiled) and since when it holds the tag.
WITH page AS
(
    SELECT person_id, since
    FROM person_tags FINAL
    WHERE tag = {tag:String} AND active = 1 AND person_id > {after:String}
        AND ({through:String} = '' OR person_id <= {through:String})
    ORDER BY person_id
    LIMIT {limit:UInt32}
)
SELECT
    page.person_id AS person_id,
    if(empty(known.ids), arraySort(profiled.ids), arraySort(known.ids)) AS ids,
    page.since AS since
FROM page
LEFT JOIN
(
    SELECT person_id, groupArray(id) AS ids
    FROM person_ids FINAL
    WHERE person_id IN (SELECT person_id FROM page)
    GROUP BY person_id
) AS known ON known.person_id = page.person_id
LEFT JOIN
(
    SELECT person_id, ids
    FROM person_profiles FINAL
    WHERE person_id IN (SELECT person_id FROM page)
) AS profiled ON profiled.person_id = page.person_id
ORDER BY person_id
