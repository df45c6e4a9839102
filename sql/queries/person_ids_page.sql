-- One page of the current identity graph in id order (keyset paging: the load holds one page at a time).
SELECT id, person_id, identified, toUnixTimestamp64Milli(person_created_at) AS person_created_at, version
FROM person_ids FINAL
WHERE id > {after:String}
ORDER BY id
LIMIT {limit:UInt32}
