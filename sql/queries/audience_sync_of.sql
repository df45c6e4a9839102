-- One sync of an audience, if it was completed (its row is written after its moves).
SELECT seq, members, toUnixTimestamp64Milli(taken_at) AS taken_at
FROM audience_syncs
WHERE audience = {audience:String} AND seq = {seq:UInt64}
