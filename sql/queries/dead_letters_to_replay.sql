-- `pulse dead-letters replay`: the dead letters of a reason (all when empty) received since a time,
-- oldest first, each with whether an event of the same (source, message_id) is stored by now
-- (a replayed or re-sent event): those are not sent again.
SELECT
    source,
    reason,
    message_id,
    raw,
    toUnixTimestamp64Milli(received_at) AS received_ms,
    stream_seq,
    position,
    message_id != '' AND (source, message_id) IN (SELECT source, message_id FROM events) AS stored
FROM dead_letters
WHERE ({reason:String} = '' OR reason = {reason:String})
  AND received_at >= fromUnixTimestamp64Milli({since_ms:Int64}, 'UTC')
ORDER BY received_at, stream_seq, position
