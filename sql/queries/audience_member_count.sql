-- How many persons an audience's tags select now: every {all} tag, one tag of each {any_of} group,
-- no {none} tag, among the persons holding one of the tags it names ({named}).
SELECT count() AS members
FROM
(
    SELECT person_id, groupArray(tag) AS held
    FROM person_tags FINAL
    WHERE active = 1 AND has({named:Array(String)}, tag)
    GROUP BY person_id
)
WHERE hasAll(held, {all:Array(String)}) AND arrayAll(g -> hasAny(held, g), {any_of:Array(Array(String))}) AND NOT hasAny(held, {none:Array(String)})
