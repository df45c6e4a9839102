-- The customers who spent most, with their orders, complaints, last activity and the current
-- fit's scores. Orders are the configured purchase events ({purchases}, --ltv-purchase-event),
-- logins the activity events ({activity}, --ltv-activity-event).
SELECT
    e.user_id AS user_id,
    e.orders AS orders,
    e.revenue AS revenue,
    e.logins AS logins,
    e.complaints AS complaints,
    e.last_seen AS last_seen,
    round(s.p_alive, 2) AS p_alive,
    round(s.expected_purchases, 2) AS expected_purchases,
    round(s.clv, 2) AS clv,
    s.tier AS tier
FROM
(
    SELECT
        user_id,
        countIf(event IN {purchases:Array(String)}) AS orders,
        round(sumIf(revenue, event IN {purchases:Array(String)}), 2) AS revenue,
        countIf(event IN {activity:Array(String)}) AS logins,
        countIf(event = 'Complaint Filed') AS complaints,
        toDate(max(ts)) AS last_seen
    FROM events FINAL
    WHERE user_id != ''
    GROUP BY user_id
    ORDER BY revenue DESC
    LIMIT {limit:UInt32}
) AS e
LEFT JOIN current_customer_scores AS s ON s.customer = e.user_id
ORDER BY revenue DESC
