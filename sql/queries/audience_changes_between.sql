-- Who joined (1) or left (0) an audience between syncs {from} (0: before the first) and {to}: a
-- person's membership at a sync is its last move at or before it, so a person who joined and left
-- between the two is in neither. Each with its ids, as in audience_members_page.sql.
WITH moved AS
(
    SELECT person_id, argMaxIf(joined, seq, seq <= {from:UInt64}) AS was, argMax(joined, seq) AS now_in
    FROM audience_moves
    WHERE audience = {audience:String} AND seq <= {to:UInt64}
    GROUP BY person_id
    HAVING max(seq) > {from:UInt64} AND was != now_in
)
SELECT
    moved.person_id AS person_id,
    moved.now_in AS joined,
    if(empty(known.ids), arraySort(profiled.ids), arraySort(known.ids)) AS ids
FROM moved
LEFT JOIN
(
    SELECT person_id, groupArray(id) AS ids
    FROM person_ids FINAL
    WHERE person_id IN (SELECT person_id FROM moved)
    GROUP BY person_id
) AS known ON known.person_id = moved.person_id
LEFT JOIN
(
    SELECT person_id, ids
    FROM person_profiles FINAL
    WHERE person_id IN (SELECT person_id FROM moved)
) AS profiled ON profiled.person_id = moved.person_id
ORDER BY person_id
