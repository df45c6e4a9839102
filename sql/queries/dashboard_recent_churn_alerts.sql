-- Dashboards: the {limit} latest churn early warnings of [{from}, {to}) ms, with the person's churn
-- band and value tier in the current value fit when they are a scored customer, and the activity
-- figures the warning fired on (models/tags/churn-warning.ts: events in the last 7 days, usual week).
SELECT a.at AS at, a.person_id AS person_id,
    JSONExtractFloat(a.reason, 'activity7d') AS activity_7d,
    JSONExtractFloat(a.reason, 'activityBaselineWeekly') AS baseline_weekly,
    ifNull(s.churn_band, '') AS band, ifNull(s.tier, '') AS tier
FROM
(
    SELECT at, person_id, reason
    FROM alerts FINAL
    WHERE kind = 'churn' AND at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
    ORDER BY at DESC, person_id
    LIMIT {limit:UInt32}
) AS a
LEFT JOIN (SELECT customer, churn_band, toNullable(tier) AS tier FROM current_customer_scores) AS s ON s.customer = a.person_id
ORDER BY at DESC, person_id
