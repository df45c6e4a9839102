-- The stored facts (sql/migrations/007_feature_rollups.sql) of the ids {ids} up to the day of
-- {now} (ms), one row per fact, copies included: models/tags/features-from-facts.ts drops the
-- copies and counts the windows. The key `h` goes as text: it is a UInt64.
-- Each fact comes back as the processor wrote it (sql/writers/feature-facts-writer.ts): its flags
-- as one number and its details as one JSON array, '' for the many facts that carry none. Parsing
-- the answer is most of what counting features costs, and six values a fact parse ~3x faster than
-- the tuple's nineteen.
SELECT
    id,
    toString(f.h),
    f.ts,
    f.received_at,
    f.activity + 2 * f.login + 4 * f.is_order + 8 * f.coupon + 16 * f.enquiry,
    if(f.amount = 0 AND f.category = '' AND f.channel = '' AND f.complaint = '' AND f.complaint_id = '' AND f.severity = ''
            AND f.topic = '' AND f.nps IS NULL AND f.region = '' AND f.age_band = '' AND f.plan = '',
        '',
        toJSONString((f.amount, f.category, f.channel, f.complaint, f.complaint_id, f.severity, f.topic, f.nps, f.region, f.age_band, f.plan)))
FROM feature_rollup
ARRAY JOIN facts AS f
WHERE id IN {ids:Array(String)} AND day <= toDate32(fromUnixTimestamp64Milli({now:Int64}, 'UTC'))
