-- The stored facts (sql/migrations/007_feature_rollups.sql) of the ids {ids}, one row per fact,
-- copies included: models/tags/features-from-facts.ts drops the copies and then the facts after
-- its now (not before: the copy kept is the one received first, which may be dated after that
-- now), and counts the windows. The key `h` goes as text: it is a UInt64.
SELECT
    id,
    toString(f.h),
    f.ts,
    f.received_at,
    f.activity,
    f.login,
    f.is_order,
    f.amount,
    f.coupon,
    f.category,
    f.channel,
    f.complaint,
    f.complaint_id,
    f.severity,
    f.enquiry,
    f.topic,
    f.nps,
    f.region,
    f.age_band,
    f.plan
FROM feature_rollup
ARRAY JOIN facts AS f
WHERE id IN {ids:Array(String)}
