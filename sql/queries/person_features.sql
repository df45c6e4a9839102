-- The rolling features of models/tags/person-features.ts as of {now} (ms), one row per person
-- with any fact up to then: {ids} are all the persons' ids, {persons} the person of each (same
-- order). Windows are exact: "last 7 days" is (now - 7 d, now]. One fact per event: copies of an
-- event that differ in time (an SDK retry re-stamped) keep the one received first, as the events
-- table does. {deadlines}: complaint deadline by severity in ms; other severities get 'normal'.
SELECT
    person_id,
    min(f.ts) AS first_seen,
    max(f.ts) AS last_seen,
    maxOrNullIf(f.ts, f.activity = 1) AS last_activity,
    minOrNullIf(f.ts, f.is_order = 1) AS first_purchase,
    maxOrNullIf(f.ts, f.is_order = 1) AS last_purchase,
    countIf(f.login = 1 AND f.ts > {now:Int64} - 7 * 86400000) AS logins_7d,
    countIf(f.login = 1 AND f.ts > {now:Int64} - 30 * 86400000) AS logins_30d,
    countIf(f.login = 1 AND f.ts > {now:Int64} - 60 * 86400000 AND f.ts <= {now:Int64} - 30 * 86400000) AS logins_prev_30d,
    countIf(f.activity = 1 AND f.ts > {now:Int64} - 7 * 86400000) AS activity_7d,
    countIf(f.activity = 1 AND f.ts > {now:Int64} - 30 * 86400000) AS activity_30d,
    countIf(f.activity = 1 AND f.ts > {now:Int64} - 60 * 86400000 AND f.ts <= {now:Int64} - 30 * 86400000) AS activity_prev_30d,
    countIf(f.activity = 1 AND f.ts > {now:Int64} - 63 * 86400000 AND f.ts <= {now:Int64} - 7 * 86400000) / 8 AS activity_baseline_weekly,
    countIf(f.is_order = 1) AS orders_total,
    sumIf(f.amount, f.is_order = 1) AS spend_total,
    countIf(f.is_order = 1 AND f.ts > {now:Int64} - 30 * 86400000) AS orders_30d,
    sumIf(f.amount, f.is_order = 1 AND f.ts > {now:Int64} - 30 * 86400000) AS spend_30d,
    countIf(f.is_order = 1 AND f.coupon = 1 AND f.ts > {now:Int64} - 30 * 86400000) AS coupon_orders_30d,
    countIf(f.is_order = 1 AND f.ts > {now:Int64} - 90 * 86400000) AS orders_90d,
    sumIf(f.amount, f.is_order = 1 AND f.ts > {now:Int64} - 90 * 86400000) AS spend_90d,
    countIf(f.is_order = 1 AND f.coupon = 1 AND f.ts > {now:Int64} - 90 * 86400000) AS coupon_orders_90d,
    countIf(f.is_order = 1 AND f.ts > {now:Int64} - 180 * 86400000) AS orders_180d,
    sumIf(f.amount, f.is_order = 1 AND f.ts > {now:Int64} - 180 * 86400000) AS spend_180d,
    countIf(f.is_order = 1 AND f.coupon = 1 AND f.ts > {now:Int64} - 180 * 86400000) AS coupon_orders_180d,
    countIf(f.is_order = 1 AND f.ts > {now:Int64} - 365 * 86400000) AS orders_365d,
    sumIf(f.amount, f.is_order = 1 AND f.ts > {now:Int64} - 365 * 86400000) AS spend_365d,
    countIf(f.is_order = 1 AND f.coupon = 1 AND f.ts > {now:Int64} - 365 * 86400000) AS coupon_orders_365d,
    countIf(f.is_order = 1 AND f.ts > {now:Int64} - 91 * 86400000) AS orders_last_91d,
    sumIf(f.amount, f.is_order = 1 AND f.ts > {now:Int64} - 91 * 86400000) AS spend_last_91d,
    countIf(f.is_order = 1 AND f.coupon = 1 AND f.ts > {now:Int64} - 91 * 86400000) AS coupon_orders_last_91d,
    countIf(f.is_order = 1 AND f.ts > {now:Int64} - 182 * 86400000 AND f.ts <= {now:Int64} - 91 * 86400000) AS orders_prev_91d,
    sumIf(f.amount, f.is_order = 1 AND f.ts > {now:Int64} - 182 * 86400000 AND f.ts <= {now:Int64} - 91 * 86400000) AS spend_prev_91d,
    countIf(f.is_order = 1 AND f.coupon = 1 AND f.ts > {now:Int64} - 182 * 86400000 AND f.ts <= {now:Int64} - 91 * 86400000) AS coupon_orders_prev_91d,
    -- Most frequent value of the last 365 days; ties go to the value seen most recently.
    sumMapIf([f.category], [toUInt64(1)], f.category != '' AND f.ts > {now:Int64} - 365 * 86400000) AS category_counts,
    maxMapIf([f.category], [f.ts], f.category != '' AND f.ts > {now:Int64} - 365 * 86400000) AS category_last,
    nullIf(arrayElement(arraySort((v, n, t) -> (n, t), category_counts.1, category_counts.2, category_last.2), -1), '') AS favourite_category,
    sumMapIf([f.channel], [toUInt64(1)], f.channel != '' AND f.ts > {now:Int64} - 365 * 86400000) AS channel_counts,
    maxMapIf([f.channel], [f.ts], f.channel != '' AND f.ts > {now:Int64} - 365 * 86400000) AS channel_last,
    nullIf(arrayElement(arraySort((v, n, t) -> (n, t), channel_counts.1, channel_counts.2, channel_last.2), -1), '') AS preferred_channel,
    -- A complaint is open from its first filing until any resolution of its id.
    arraySort(c -> (c.1, c.3), groupArrayIf((f.complaint_id, f.severity, f.ts), f.complaint = 'filed')) AS filings,
    groupUniqArrayIf(f.complaint_id, f.complaint = 'resolved') AS resolved_ids,
    arrayFilter((c, i) -> i = 1 OR c.1 != filings[i - 1].1, filings, arrayEnumerate(filings)) AS first_filings,
    arrayMap(c -> (c.1, c.2, c.3, c.3 + if(mapContains({deadlines:Map(String, Int64)}, lower(trimBoth(c.2))), {deadlines:Map(String, Int64)}[lower(trimBoth(c.2))], {deadlines:Map(String, Int64)}['normal'])),
        arrayFilter(c -> NOT has(resolved_ids, c.1), first_filings)) AS open_complaints,
    uniqExactIf(f.complaint_id, f.complaint = 'filed' AND f.ts > {now:Int64} - 365 * 86400000) AS complaints_365d,
    countIf(isNotNull(f.nps)) AS nps_count,
    argMaxIf((assumeNotNull(f.nps), f.ts), (f.ts, f.h), isNotNull(f.nps)) AS last_nps,
    mapFromArrays(enquiry_counts.1, enquiry_counts.2) AS enquiries_30d,
    sumMapIf([f.topic], [toUInt64(1)], f.enquiry = 1 AND f.ts > {now:Int64} - 30 * 86400000) AS enquiry_counts,
    -- The next time an event leaves a counted window (models/tags/person-features.ts WINDOW_EDGES_DAYS).
    least(
        ifNull(minOrNullIf(f.ts, f.ts > {now:Int64} - 7 * 86400000) + 7 * 86400000, 9223372036854775807),
        ifNull(minOrNullIf(f.ts, f.ts > {now:Int64} - 30 * 86400000) + 30 * 86400000, 9223372036854775807),
        ifNull(minOrNullIf(f.ts, f.ts > {now:Int64} - 60 * 86400000) + 60 * 86400000, 9223372036854775807),
        ifNull(minOrNullIf(f.ts, f.ts > {now:Int64} - 63 * 86400000) + 63 * 86400000, 9223372036854775807),
        ifNull(minOrNullIf(f.ts, f.ts > {now:Int64} - 90 * 86400000) + 90 * 86400000, 9223372036854775807),
        ifNull(minOrNullIf(f.ts, f.ts > {now:Int64} - 91 * 86400000) + 91 * 86400000, 9223372036854775807),
        ifNull(minOrNullIf(f.ts, f.ts > {now:Int64} - 180 * 86400000) + 180 * 86400000, 9223372036854775807),
        ifNull(minOrNullIf(f.ts, f.ts > {now:Int64} - 182 * 86400000) + 182 * 86400000, 9223372036854775807),
        ifNull(minOrNullIf(f.ts, f.ts > {now:Int64} - 365 * 86400000) + 365 * 86400000, 9223372036854775807)
    ) AS next_window_exit,
    -- Latest non-empty value of each trait.
    nullIf(argMaxIf(f.region, (f.ts, f.h), f.region != ''), '') AS region,
    nullIf(argMaxIf(f.age_band, (f.ts, f.h), f.age_band != ''), '') AS age_band,
    nullIf(argMaxIf(f.plan, (f.ts, f.h), f.plan != ''), '') AS plan
FROM
(
    SELECT person_id, argMin(fact, fact.received_at) AS f
    FROM
    (
        SELECT transform(id, {ids:Array(String)}, {persons:Array(String)}, '') AS person_id, arrayJoin(groupUniqArrayArray(facts)) AS fact
        FROM feature_rollup
        WHERE id IN {ids:Array(String)} AND day <= toDate32(fromUnixTimestamp64Milli({now:Int64}, 'UTC'))
        GROUP BY id, day
    )
    GROUP BY person_id, fact.h
)
WHERE f.ts <= {now:Int64}
GROUP BY person_id
