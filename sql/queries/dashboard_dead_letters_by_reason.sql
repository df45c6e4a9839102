-- Dashboards: dead letters received in [{from}, {to}) ms, per reason code.
SELECT reason, count() AS dead_letters
FROM dead_letters FINAL
WHERE received_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND received_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
GROUP BY reason
ORDER BY dead_letters DESC, reason
