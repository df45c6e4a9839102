-- Per customer (the person of the user id, else of the distinct id; the person id its id would get
-- where no person is known yet: stored moments ago, or with --no-profiles, models/identity/person-id.ts), from the purchase events up to {end}: purchase
-- periods of {period_days} days counted once with their amounts summed (as
-- models/transaction-summary.ts does), x the periods after the first, t_x and T from the first
-- period to the last and to the end, in units of {unit_days} days, m the mean of the repeat periods.
-- The amount is the property {amount_property}, or the revenue column when it is empty. Ordered by
-- customer so that a fit as of the same time sums the same numbers in the same order (reproducible).
SELECT
    customer,
    count() - 1 AS x,
    (max(period) - min(period)) * {period_days:UInt32} / {unit_days:Float64} AS t_x,
    (intDiv(toUInt32(toDate({end:DateTime64(3)})), {period_days:UInt32}) - min(period)) * {period_days:UInt32} / {unit_days:Float64} AS T,
    if(count() > 1, (sum(spend) - argMin(spend, period)) / (count() - 1), 0) AS m
FROM
(
    SELECT
        if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(e.raw_id))), 1, 16))) AS customer,
        intDiv(toUInt32(toDate(e.ts)), {period_days:UInt32}) AS period,
        sum(e.amount) AS spend
    FROM
    (
        SELECT
            if(user_id != '', user_id, distinct_id) AS raw_id,
            ts,
            if({amount_property:String} = '', ifNull(revenue, 0), JSONExtractFloat(properties, {amount_property:String})) AS amount
        FROM events FINAL
        WHERE event IN {events:Array(String)} AND raw_id != '' AND ts <= {end:DateTime64(3)}
    ) AS e
    LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = e.raw_id
    GROUP BY customer, period
)
GROUP BY customer
ORDER BY customer
