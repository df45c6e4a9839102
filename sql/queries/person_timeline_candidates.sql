-- Events naming any of a person's ids, newest first, a page at a time: the caller keeps those
-- whose key id (models/identity/event-ids.ts) is the person's.
SELECT
    event, type, toUnixTimestamp64Milli(ts) AS ts, properties, user_id, anonymous_id, distinct_id
FROM events FINAL
WHERE user_id IN {ids:Array(String)} OR anonymous_id IN {ids:Array(String)} OR distinct_id IN {ids:Array(String)}
ORDER BY ts DESC, source DESC, message_id DESC
LIMIT {limit:UInt32} OFFSET {offset:UInt64}
