-- The customers who spent most, with their orders, complaints and last activity.
SELECT
    user_id,
    countIf(event = 'Order Completed') AS orders,
    round(sumIf(revenue, event = 'Order Completed'), 2) AS revenue,
    countIf(event = 'Logged In') AS logins,
    countIf(event = 'Complaint Filed') AS complaints,
    toDate(max(ts)) AS last_seen
FROM events FINAL
WHERE user_id != ''
GROUP BY user_id
ORDER BY revenue DESC
LIMIT {limit:UInt32}
