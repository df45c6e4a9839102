-- Per customer, from the purchase events before {end_ms}: x repeat purchases, t_x the time of the
-- last since the first, T the time from the first to {end_ms} (both in units of {unit_days} days,
-- continuous time), and m the mean value of the repeat purchases (0 without any).
SELECT
    user_id,
    count() - 1 AS x,
    (toUnixTimestamp64Milli(max(ts)) - toUnixTimestamp64Milli(min(ts))) / 86400000 / {unit_days:Float64} AS t_x,
    ({end_ms:Int64} - toUnixTimestamp64Milli(min(ts))) / 86400000 / {unit_days:Float64} AS T,
    if(count() > 1, (sum(revenue) - argMin(revenue, ts)) / (count() - 1), 0) AS m
FROM events FINAL
WHERE event = {event:String} AND user_id != '' AND revenue IS NOT NULL AND ts < fromUnixTimestamp64Milli({end_ms:Int64})
GROUP BY user_id
