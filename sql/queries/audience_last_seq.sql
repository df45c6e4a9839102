-- The newest sync (or move) of an audience; 0 before its first.
SELECT greatest(
    (SELECT max(seq) FROM audience_syncs WHERE audience = {audience:String}),
    (SELECT max(seq) FROM audience_moves WHERE audience = {audience:String})
) AS seq
