-- A sync's moves: the members now (membership as in audience_member_count.sql) against the members
-- as of the audience's last move; a person on one side only joined (1) or left (0) at {seq}.
INSERT INTO audience_moves (audience, seq, person_id, joined)
SELECT {audience:String}, {seq:UInt64}, person_id, toUInt8(max(member_now))
FROM
(
    SELECT person_id, 1 AS member_now
    FROM
    (
        SELECT person_id, groupArray(tag) AS held
        FROM person_tags FINAL
        WHERE active = 1 AND has({named:Array(String)}, tag)
        GROUP BY person_id
    )
    WHERE hasAll(held, {all:Array(String)}) AND arrayAll(g -> hasAny(held, g), {any_of:Array(Array(String))}) AND NOT hasAny(held, {none:Array(String)})
    UNION ALL
    SELECT person_id, 0 AS member_now
    FROM audience_moves
    WHERE audience = {audience:String}
    GROUP BY person_id
    HAVING argMax(joined, seq) = 1
)
GROUP BY person_id
HAVING count() = 1
