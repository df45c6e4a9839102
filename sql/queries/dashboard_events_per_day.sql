-- Dashboards: events, active persons and purchase revenue per day (UTC) of [{from}, {to}) ms. An
-- event's person is the person of its key id (user id, else anonymous id, else distinct id); an id
-- the identity tables do not hold yet counts as a person of its own.
SELECT
    toDate(e.ts) AS day,
    count() AS events,
    uniqExact(if(p.person_id != '', p.person_id, e.key_id)) AS active_persons,
    round(sumIf(ifNull(e.revenue, 0), e.event IN {purchases:Array(String)}), 2) AS revenue
FROM
(
    SELECT ts, event, revenue, if(user_id != '', user_id, if(anonymous_id != '', anonymous_id, distinct_id)) AS key_id
    FROM events FINAL
    WHERE ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
) AS e
LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = e.key_id
GROUP BY day
ORDER BY day
