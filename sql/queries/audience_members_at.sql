-- How many members an audience had at sync {to}: the persons whose last move at or before it is a join.
SELECT count() AS members
FROM
(
    SELECT person_id
    FROM audience_moves
    WHERE audience = {audience:String} AND seq <= {to:UInt64}
    GROUP BY person_id
    HAVING argMax(joined, seq) = 1
)
