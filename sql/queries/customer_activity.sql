-- Per customer (the user id, else the distinct id), as of {end}: days since the last activity
-- event or purchase, and the purchase spend of the last {window_days} days and of the window before.
SELECT
    if(user_id != '', user_id, distinct_id) AS customer,
    dateDiff('second', maxIf(ts, event IN {activity:Array(String)} OR event IN {purchases:Array(String)}), {end:DateTime64(3)}) / 86400 AS inactive_days,
    sumIf(if({amount_property:String} = '', ifNull(revenue, 0), JSONExtractFloat(properties, {amount_property:String})),
        event IN {purchases:Array(String)} AND ts > {end:DateTime64(3)} - toIntervalDay({window_days:UInt32})) AS spend_recent,
    sumIf(if({amount_property:String} = '', ifNull(revenue, 0), JSONExtractFloat(properties, {amount_property:String})),
        event IN {purchases:Array(String)} AND ts <= {end:DateTime64(3)} - toIntervalDay({window_days:UInt32})
        AND ts > {end:DateTime64(3)} - toIntervalDay(2 * {window_days:UInt32})) AS spend_before
FROM events FINAL
WHERE customer != '' AND ts <= {end:DateTime64(3)}
GROUP BY customer
