-- Dashboards: churn early warnings raised per day (UTC) of [{from}, {to}) ms (the alerts table,
-- as published on pulse.alerts.churn; FINAL: an alert raised twice is stored once).
SELECT toDate(at) AS day, count() AS alerts
FROM alerts FINAL
WHERE kind = 'churn' AND at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
GROUP BY day
ORDER BY day
