-- NPS per period ({period}: day, week or month, weeks starting on Monday) over [{from}, {to}) ms:
-- answers, promoters ({promoter_min} and up), passives ({passive_min} and up), detractors, and
-- NPS = % promoters - % detractors. Every answer counts (a person answering twice counts twice).
SELECT
    multiIf({period:String} = 'day', toDate(fromUnixTimestamp64Milli(f.ts, 'UTC')), {period:String} = 'week', toMonday(fromUnixTimestamp64Milli(f.ts, 'UTC')), toStartOfMonth(fromUnixTimestamp64Milli(f.ts, 'UTC'))) AS period_start,
    count() AS answers,
    countIf(assumeNotNull(f.nps) >= {promoter_min:Float64}) AS promoters,
    countIf(assumeNotNull(f.nps) >= {passive_min:Float64} AND assumeNotNull(f.nps) < {promoter_min:Float64}) AS passives,
    countIf(assumeNotNull(f.nps) < {passive_min:Float64}) AS detractors,
    round(100 * (promoters - detractors) / answers, 1) AS nps
FROM
(
    SELECT argMin(fact, fact.received_at) AS f
    FROM (SELECT arrayJoin(facts) AS fact FROM feature_rollup WHERE day >= toDate32(fromUnixTimestamp64Milli({from:Int64}, 'UTC')) AND day <= toDate32(fromUnixTimestamp64Milli({to:Int64}, 'UTC')))
    WHERE isNotNull(fact.nps)
    GROUP BY fact.h
)
WHERE f.ts >= {from:Int64} AND f.ts < {to:Int64}
GROUP BY period_start
ORDER BY period_start
