-- Stickiness (README, "Stickiness": the rules this follows). Every name and value is a bound
-- parameter. Units are numbered as in models/analytics/calendar-units.ts (UTC): day =
-- floor(ms / 86 400 000), week (from Monday) = floor((day + 3) / 7), month = year * 12 + month - 1;
-- interval 0 is the whole range. Ids are reduced to their distinct (unit, interval) first, so the
-- join to persons and the per-person count work on at most one row per id and active unit.
WITH
    {event:String} AS event_name,
    {from_ms:Int64} AS from_ms,
    {to_ms:Int64} AS to_ms,
    {period:String} AS period,
    {interval:String} AS interval_unit,
    {filter_props:Array(String)} AS filter_props,
    {filter_ops:Array(String)} AS filter_ops,
    {filter_negate:Array(UInt8)} AS filter_negate,
    {filter_kinds:Array(Array(String))} AS filter_kinds,
    {filter_texts:Array(Array(String))} AS filter_texts,
    -- Numbers travel as text: the parameter binding refuses integers past 2^53.
    CAST({filter_numbers:Array(Array(String))} AS Array(Array(Float64))) AS filter_numbers
SELECT interval_index AS interval, active_units AS n, count() AS persons
FROM
(
    SELECT person, interval_index, uniqExact(unit_index) AS active_units
    FROM
    (
        SELECT
            if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(e.key_id))), 1, 16))) AS person,
            e.unit_index AS unit_index,
            e.interval_index AS interval_index
        FROM
        (
            SELECT key_id, unit_index, interval_index
            FROM
            (
                SELECT
                    key_id,
                    -- Without filters the (large) properties column is not read at all.
                    if(empty(filter_ops), '', properties) AS props,
                    toUnixTimestamp64Milli(ts) AS t,
                    toInt64(floor(t / 86400000)) AS day_index,
                    toInt64(floor((day_index + 3) / 7)) AS week_index,
                    toInt64(toYear(ts)) * 12 + toMonth(ts) - 1 AS month_index,
                    multiIf(period = 'day', day_index, period = 'week', week_index, month_index) AS unit_index,
                    multiIf(interval_unit = 'week', week_index, interval_unit = 'month', month_index, toInt64(0)) AS interval_index
                FROM events_by_day FINAL
                WHERE event = event_name AND ts >= fromUnixTimestamp64Milli(from_ms, 'UTC') AND ts < fromUnixTimestamp64Milli(to_ms, 'UTC') AND key_id != ''
            ) AS e
            -- The filters of models/analytics/property-filter.ts, as in the other analyses.
            WHERE arrayAll(pass -> pass = 1,
                -- @include property_filter_passes
            )
            GROUP BY key_id, unit_index, interval_index
        ) AS e
        LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = e.key_id
    )
    GROUP BY person, interval_index
)
GROUP BY interval_index, active_units
ORDER BY interval_index, active_units
