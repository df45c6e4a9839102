-- `pulse dead-letters replay`: the dead letters of a reason (all when empty) received since a time,
-- oldest first, each with whether an event of the same (source, message_id) is stored by now
-- (replayed or re-sent before): those are not sent again. The events lookup is limited to the
-- dead letters' own keys, which the events table's primary key finds without a full scan.
SELECT
    source,
    reason,
    message_id,
    raw,
    toUnixTimestamp64Milli(received_at) AS received_ms,
    stream_seq,
    position,
    message_id != '' AND (source, message_id) IN (
        SELECT source, message_id FROM events
        WHERE (source, message_id) IN (
            SELECT source, message_id FROM dead_letters
            WHERE message_id != ''
              AND ({reason:String} = '' OR reason = {reason:String})
              AND received_at >= fromUnixTimestamp64Milli({since_ms:Int64}, 'UTC')
        )
    ) AS stored
FROM dead_letters
WHERE ({reason:String} = '' OR reason = {reason:String})
  AND received_at >= fromUnixTimestamp64Milli({since_ms:Int64}, 'UTC')
ORDER BY received_at, stream_seq, position
