-- The persons who spent most (a person is all its linked ids; where no person is known yet, the person id its id would get),
-- with their orders, complaints, last activity and the current fit's scores. Orders are the
-- configured purchase events ({purchases}, --ltv-purchase-event), logins the activity events
-- ({activity}, --ltv-activity-event).
SELECT
    e.customer AS customer,
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
        if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(ev.raw_id))), 1, 16))) AS customer,
        countIf(ev.event IN {purchases:Array(String)}) AS orders,
        round(sumIf(ev.revenue, ev.event IN {purchases:Array(String)}), 2) AS revenue,
        countIf(ev.event IN {activity:Array(String)}) AS logins,
        countIf(ev.event = 'Complaint Filed') AS complaints,
        toDate(max(ev.ts)) AS last_seen
    FROM
    (
        SELECT if(user_id != '', user_id, distinct_id) AS raw_id, event, revenue, ts
        FROM events FINAL
        WHERE raw_id != ''
    ) AS ev
    LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = ev.raw_id
    GROUP BY customer
    ORDER BY revenue DESC
    LIMIT {limit:UInt32}
) AS e
LEFT JOIN current_customer_scores AS s ON s.customer = e.customer
ORDER BY revenue DESC
