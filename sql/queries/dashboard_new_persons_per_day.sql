-- Dashboards: persons created per day (UTC) of [{from}, {to}) ms. A person merged into another is
-- gone from person_ids (its ids moved), so it is not counted.
SELECT toDate(created) AS day, count() AS new_persons
FROM (SELECT person_id, min(person_created_at) AS created FROM person_ids FINAL GROUP BY person_id)
WHERE created >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND created < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
GROUP BY day
ORDER BY day
