-- The churn model's histories (models/churn/engagement-history.ts): per customer (the person of the
-- user id, else of the distinct id; the person id its id would get where no person is known yet,
-- as purchase_period_summaries.sql) and UTC day (days since 1970-01-01), from the events up to
-- {end} only: the purchases of that day (events named in {purchases}), their amount, and whether
-- an activity event came that day (events named in {activity}, or with {all_activity} = 1 every
-- event but identify, alias and group calls, as the profile features count activity). Nothing after {end} is read, so no score sees past its as_of.
SELECT
    if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(e.raw_id))), 1, 16))) AS customer,
    toUInt32(toDate(e.ts)) AS day,
    countIf(e.purchase) AS purchases,
    sumIf(e.amount, e.purchase) AS spend,
    max(e.active) AS active
FROM
(
    SELECT
        if(user_id != '', user_id, distinct_id) AS raw_id,
        ts,
        event IN {purchases:Array(String)} AS purchase,
        if({amount_property:String} = '', ifNull(revenue, 0), JSONExtractFloat(properties, {amount_property:String})) AS amount,
        if({all_activity:UInt8} = 1, type NOT IN ('identify', 'alias', 'group'), event IN {activity:Array(String)}) AS active
    FROM events FINAL
    WHERE raw_id != '' AND ts <= {end:DateTime64(3)} AND (purchase OR active)
) AS e
LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = e.raw_id
GROUP BY customer, day
ORDER BY customer, day
