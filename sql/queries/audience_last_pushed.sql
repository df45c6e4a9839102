-- The newest sync of an audience whose change set was pushed; 0 before the first.
SELECT max(seq) AS seq
FROM audience_syncs
WHERE audience = {audience:String} AND pushed = 1
