-- The members of an audience now (membership as in audience_member_count.sql), in person id order:
-- those after {after}, at most {limit}, each with its ids (from the identity table, else as last
-- profiled).
WITH page AS
(
    SELECT person_id
    FROM
    (
        SELECT person_id, groupArray(tag) AS held
        FROM person_tags FINAL
        WHERE active = 1 AND has({named:Array(String)}, tag) AND person_id > {after:String}
        GROUP BY person_id
    )
    WHERE hasAll(held, {all:Array(String)}) AND arrayAll(g -> hasAny(held, g), {any_of:Array(Array(String))}) AND NOT hasAny(held, {none:Array(String)})
    ORDER BY person_id
    LIMIT {limit:UInt64}
)
SELECT
    page.person_id AS person_id,
    if(empty(known.ids), arraySort(profiled.ids), arraySort(known.ids)) AS ids
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
