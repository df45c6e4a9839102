-- Lifecycle (README, "Lifecycle": the statuses this counts). Every event name, property name and
-- value is a bound parameter. Periods are numbered from the range's first period (0), as in
-- retention.sql; period -1 is the one before the range, read to classify period 0.
-- Per key id, then per person through person_ids: the first period with the event ever (the whole
-- history before the range's end is read for it) and the active periods from -1 on; then each
-- person's statuses, one row per period they have one in, counted per period and status.
WITH
    {event:String} AS activity_event,
    {filter_props:Array(String)} AS filter_props,
    {filter_ops:Array(String)} AS filter_ops,
    {filter_negate:Array(UInt8)} AS filter_negate,
    {filter_kinds:Array(Array(String))} AS filter_kinds,
    {filter_texts:Array(Array(String))} AS filter_texts,
    CAST({filter_numbers:Array(Array(String))} AS Array(Array(Float64))) AS filter_numbers,
    {unit:String} AS unit,
    {start_ms:Int64} AS start_ms,
    {end_ms:Int64} AS end_ms,
    {periods:UInt32} AS n_periods,
    toDate32(fromUnixTimestamp64Milli(start_ms, 'UTC')) AS origin,
    toInt64(toYear(origin)) * 12 + toMonth(origin) AS origin_month
SELECT st.1 AS period, st.2 AS status, count() AS persons
FROM
(
    SELECT
        arraySort(active) AS active_periods,
        -- Each active period is new, returning or resurrecting; the period after one the person
        -- is not active in is dormant.
        arrayConcat(
            arrayMap((a, i) -> (a, multiIf(a = first, 'new', i > 1 AND active_periods[i - 1] = a - 1, 'returning', 'resurrecting')), active_periods, arrayEnumerate(active_periods)),
            arrayMap(a -> (a + 1, 'dormant'), arrayFilter((a, i) -> i = length(active_periods) OR active_periods[i + 1] != a + 1, active_periods, arrayEnumerate(active_periods)))) AS statuses
    FROM
    (
        SELECT
            if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(k.key_id))), 1, 16))) AS person,
            min(k.first) AS first,
            groupUniqArrayArray(k.active) AS active
        FROM
        (
            SELECT key_id, min(period) AS first, groupUniqArrayIf(period, period >= -1) AS active
            FROM
            (
                SELECT
                    e.key_id AS key_id,
                    toDate32(e.ts) AS day,
                    multiIf(unit = 'day', toInt64(dateDiff('day', origin, day)),
                            unit = 'week', toInt64(floor(dateDiff('day', origin, day) / 7)),
                            toInt64(toYear(day)) * 12 + toMonth(day) - origin_month) AS period
                -- Without filters the (large) properties column is not read at all: the
                -- condition is a constant, so the engine drops the column from the read.
                FROM (SELECT key_id, source, message_id, event, ts, received_at, if(empty(filter_ops), '{}', properties) AS props FROM events_by_day FINAL) AS e
                WHERE e.key_id != '' AND e.event = activity_event AND e.ts < fromUnixTimestamp64Milli(end_ms, 'UTC')
                    AND arrayAll(pass -> pass = 1,
                        -- @include property_filter_passes
                    )
            )
            GROUP BY key_id
        ) AS k
        LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = k.key_id
        GROUP BY person
        HAVING notEmpty(active)
    )
)
ARRAY JOIN statuses AS st
WHERE st.1 >= 0 AND st.1 < n_periods
GROUP BY period, status
