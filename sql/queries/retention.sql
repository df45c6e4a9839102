-- Cohort retention (README, "Retention": the rules this follows). Every event name, property name
-- and value is a bound parameter. Periods are numbered from the range's first period (0): days and
-- weeks (Monday starts, `origin` is one) count days from `origin`, months count calendar months.
-- Filter i applies to the cohort event when filter_groups[i] = 1, to the return event when 2.
-- Work runs per key id and period first, then per
-- person through person_ids, so the join and the person arrays see one row per id and period, not
-- one per event. Each (person, cohort) then becomes one row per offset it counts at (-1: the
-- cohort's size), counted per cohort and offset, and per breakdown value too.
-- first_time reads the cohort event's whole history before the range's end (a person's first time
-- may be before `from`: then no cohort of the range holds them); recurring reads the range only.
-- Returns are read from the range's start up to read_end_ms (the last offset's end for `on`, every
-- later time for `on_or_after`).
WITH
    {cohort_event:String} AS cohort_event,
    {return_event:String} AS return_event,
    {filter_groups:Array(UInt8)} AS filter_groups,
    {filter_props:Array(String)} AS filter_props,
    {filter_ops:Array(String)} AS filter_ops,
    {filter_negate:Array(UInt8)} AS filter_negate,
    {filter_kinds:Array(Array(String))} AS filter_kinds,
    {filter_texts:Array(Array(String))} AS filter_texts,
    CAST({filter_numbers:Array(Array(String))} AS Array(Array(Float64))) AS filter_numbers,
    {unit:String} AS unit,
    {recurring:UInt8} AS recurring,
    {on_or_after:UInt8} AS on_or_after,
    {start_ms:Int64} AS start_ms,
    {end_ms:Int64} AS end_ms,
    {cohorts:Int64} AS n_cohorts,
    {offsets:UInt32} AS n_offsets,
    {read_end_ms:Int64} AS read_end_ms,
    {breakdown:String} AS breakdown_prop,
    toDate32(fromUnixTimestamp64Milli(start_ms, 'UTC')) AS origin,
    toInt64(toYear(origin)) * 12 + toMonth(origin) AS origin_month
SELECT
    grouping(bvalue) = 1 AS is_total,
    cohort,
    offset,
    bvalue AS value,
    count() AS persons
FROM
(
    SELECT
        entry.1 AS cohort,
        entry.2 AS cohort_ms,
        if(entry.3 = 1, CAST(entry.4 AS Nullable(String)), CAST(NULL AS Nullable(String))) AS bvalue,
        -- Returns that count: in a later period, or in the cohort's period at or after the cohort event.
        arrayFilter(r -> r.1 > cohort OR (r.1 = cohort AND r.2 >= cohort_ms), returns) AS later,
        if(empty(later), toInt64(-1), arrayMax(arrayMap(r -> r.1, later)) - cohort) AS reach,
        -- The offsets this person counts at: -1 stands for the cohort's size.
        arrayPushFront(if(on_or_after = 1,
            arrayMap(o -> toInt64(o), range(toUInt64(least(reach + 1, toInt64(n_offsets))))),
            arrayFilter(o -> o < n_offsets, arrayDistinct(arrayMap(r -> r.1 - cohort, later)))), toInt64(-1)) AS offsets
    FROM
    (
        SELECT
            person,
            -- (period, cohort event (time, received, tie, breakdown set, breakdown text)), by period then time
            arraySort(groupArrayIf((period, key_first_cohort), key_has_cohort = 1)) AS cohort_events,
            if(recurring = 1,
                -- The first of each period (a person's ids may each have one).
                arrayFilter((c, i) -> i = 1 OR cohort_events[i - 1].1 != c.1, cohort_events, arrayEnumerate(cohort_events)),
                arraySlice(arraySort(c -> c.2, cohort_events), 1, 1)) AS cohort_firsts,
            arrayFilter(c -> c.1 >= 0 AND c.1 < n_cohorts, arrayMap(c -> (c.1, c.2.1, c.2.4, c.2.5), cohort_firsts)) AS entries,
            groupArrayIf((period, key_last_return), key_has_return = 1) AS returns
        FROM
        (
            SELECT
                if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(k.key_id))), 1, 16))) AS person,
                k.period AS period, k.key_first_cohort AS key_first_cohort, k.key_has_cohort AS key_has_cohort, k.key_last_return AS key_last_return, k.key_has_return AS key_has_return
            FROM
            (
                SELECT
                    key_id,
                    period,
                    minIf((t, received, tie, bset, btext), is_cohort) AS key_first_cohort,
                    max(is_cohort) AS key_has_cohort,
                    maxIf(t, is_return) AS key_last_return,
                    max(is_return) AS key_has_return
                FROM
                (
                    SELECT
                        e.key_id AS key_id,
                        toUnixTimestamp64Milli(e.ts) AS t,
                        toUnixTimestamp64Milli(e.received_at) AS received,
                        -- The tie order of funnels and paths (a hash of source and message id) matters only
                        -- for the breakdown value.
                        if(breakdown_prop = '', toUInt64(0), cityHash64(e.source, e.message_id)) AS tie,
                        toDate32(e.ts) AS day,
                        multiIf(unit = 'day', toInt64(dateDiff('day', origin, day)),
                                unit = 'week', toInt64(floor(dateDiff('day', origin, day) / 7)),
                                toInt64(toYear(day)) * 12 + toMonth(day) - origin_month) AS period,
                        -- @filter_passes (sql-files.ts withFilterPasses)
                        AS passes,
                        toUInt8(e.event = cohort_event AND arrayAll(f -> filter_groups[f] != 1 OR passes[f] = 1, range(1, length(filter_ops) + 1))
                            AND t < end_ms AND (recurring = 0 OR t >= start_ms)) AS is_cohort,
                        toUInt8(e.event = return_event AND arrayAll(f -> filter_groups[f] != 2 OR passes[f] = 1, range(1, length(filter_ops) + 1))
                            AND t >= start_ms AND t < read_end_ms) AS is_return,
                        toUInt8(breakdown_prop != '' AND JSONType(e.props, breakdown_prop) != 'Null') AS bset,
                        if(bset = 0, '', if(JSONType(e.props, breakdown_prop) = 'String', JSONExtractString(e.props, breakdown_prop), JSONExtractRaw(e.props, breakdown_prop))) AS btext
                    -- Without filters or a breakdown the (large) properties column is not read at all: the
                    -- condition is a constant, so the engine drops the column from the read.
                    FROM (SELECT key_id, source, message_id, event, ts, received_at, if(empty(filter_ops) AND breakdown_prop = '', '{}', properties) AS props FROM events_by_day FINAL) AS e
                    WHERE e.key_id != ''
                        AND ((e.event = cohort_event AND e.ts < fromUnixTimestamp64Milli(end_ms, 'UTC'))
                            OR (e.event = return_event AND e.ts >= fromUnixTimestamp64Milli(start_ms, 'UTC') AND e.ts < fromUnixTimestamp64Milli(read_end_ms, 'UTC')))
                )
                WHERE is_cohort = 1 OR is_return = 1
                GROUP BY key_id, period
            ) AS k
            LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = k.key_id
        )
        GROUP BY person
    )
    ARRAY JOIN entries AS entry
)
ARRAY JOIN offsets AS offset
GROUP BY GROUPING SETS ((cohort, offset), (cohort, offset, bvalue))
