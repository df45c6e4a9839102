-- Dashboards: tags added and removed per day (UTC) of [{from}, {to}) ms, from tag_history.
SELECT toDate(at) AS day, change, count() AS changes
FROM tag_history
WHERE at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
GROUP BY day, change
ORDER BY day, change
