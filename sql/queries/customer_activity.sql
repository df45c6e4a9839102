-- Per customer (the person of the user id, else of the distinct id; the person id its id would
-- get where no person is known yet, models/identity/person-id.ts), as of {end}: days since the last activity event or purchase, and the purchase spend of
-- the last {window_days} days and of the window before.
SELECT
    if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(e.raw_id))), 1, 16))) AS customer,
    dateDiff('second', maxIf(e.ts, e.event IN {activity:Array(String)} OR e.event IN {purchases:Array(String)}), {end:DateTime64(3)}) / 86400 AS inactive_days,
    sumIf(e.amount, e.event IN {purchases:Array(String)} AND e.ts > {end:DateTime64(3)} - toIntervalDay({window_days:UInt32})) AS spend_recent,
    sumIf(e.amount, e.event IN {purchases:Array(String)} AND e.ts <= {end:DateTime64(3)} - toIntervalDay({window_days:UInt32})
        AND e.ts > {end:DateTime64(3)} - toIntervalDay(2 * {window_days:UInt32})) AS spend_before
FROM
(
    SELECT
        if(user_id != '', user_id, distinct_id) AS raw_id,
        ts,
        event,
        if({amount_property:String} = '', ifNull(revenue, 0), JSONExtractFloat(properties, {amount_property:String})) AS amount
    FROM events FINAL
    WHERE raw_id != '' AND ts <= {end:DateTime64(3)}
) AS e
LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = e.raw_id
GROUP BY customer
