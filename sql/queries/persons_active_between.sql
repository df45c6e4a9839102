-- The ids with any feature fact in the time range ({from}, {to}] (ms): the sweep finds with it the
-- persons whose windows slide past an event.
SELECT DISTINCT id
FROM
(
    SELECT id, groupUniqArrayArray(facts) AS fs
    FROM feature_rollup
    WHERE day >= toDate32(fromUnixTimestamp64Milli({from:Int64}, 'UTC')) AND day <= toDate32(fromUnixTimestamp64Milli({to:Int64}, 'UTC'))
    GROUP BY id, day
)
WHERE arrayExists(f -> f.ts > {from:Int64} AND f.ts <= {to:Int64}, fs)
ORDER BY id
