-- Paths (README, "Paths": the rules this follows). Every name is a bound parameter.
-- Per person, the events of the range sorted by (time, received time, a fixed hash of the event's
-- ids); a session starts at the first event and at each event `session_gap` or more after the one
-- before (PostHog's split); an event repeating the one before it in its session is dropped. Each
-- session gives at most one path, at most steps + 1 long: the extra node only tells a path cut at
-- the last step from one that ends there. Out come counts of (step, event, next event or ''), and
-- under step 0 the persons with a path; the Sankey's nodes, "other" and links are made from them
-- (models/analytics/paths-answer.ts), so the answer is small whatever the data.
-- Speed: events travel as numbers (their index in `names`) in separate arrays: arrays of tuples
-- holding strings made the grouping about 3 times slower. Ids are grouped before they are joined
-- to persons, so the join sees one row per id rather than per event.
WITH
    {from_ms:Int64} AS from_ms,
    {to_ms:Int64} AS to_ms,
    {session_gap_ms:Int64} AS session_gap_ms,
    {steps:UInt8} AS max_steps,
    {anchor:String} AS anchor,
    {backward:UInt8} = 1 AS backward,
    {include_events:Array(String)} AS include_events,
    {exclude_events:Array(String)} AS exclude_events,
    -- Every name the range may hold (read without FINAL: a superset is enough to number them).
    (
        SELECT groupUniqArray(toString(event))
        FROM events_by_day
        WHERE ts >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
    ) AS names,
    -- 0 when the anchor is not in the range: no session has it.
    indexOf(names, anchor) AS anchor_code
-- Counted by event numbers, named only once counted: the names would cost a string per row.
SELECT step, names[source_code] AS source, if(target_code = 0, '', names[target_code]) AS target, paths
FROM
(
SELECT path_row.1 AS step, path_row.2 AS source_code, path_row.3 AS target_code, count() AS paths
FROM
(
    SELECT
        person,
        arraySort((x, t, r, h) -> (t, r, h), arrayZip(person_ts, person_codes), person_ts, person_received, person_ties) AS sorted,
        arrayMap(x -> x.1, sorted) AS ts,
        arrayMap(x -> x.2, sorted) AS codes,
        arrayMap((x, previous, i) -> i = 1 OR x - previous >= session_gap_ms, ts, arrayPushFront(arrayPopBack(ts), toInt64(0)), arrayEnumerate(ts)) AS starts,
        arrayMap((x, previous, first) -> first OR x != previous, codes, arrayPushFront(arrayPopBack(codes), toUInt64(0)), starts) AS kept,
        arraySplit((x, first) -> first, arrayFilter((x, k) -> k, codes, kept), arrayFilter((x, k) -> k, starts, kept)) AS sessions,
        arrayFilter(x -> notEmpty(x), arrayMap(session -> multiIf(
            anchor = '', arraySlice(session, 1, max_steps + 1),
            indexOf(session, anchor_code) = 0, CAST([], 'Array(UInt64)'),
            backward, arraySlice(arrayReverse(arraySlice(session, 1, indexOf(session, anchor_code))), 1, max_steps + 1),
            arraySlice(session, indexOf(session, anchor_code), max_steps + 1)), sessions)) AS session_paths,
        arrayFlatten(arrayMap(path -> arrayMap(i -> (toUInt8(i), path[i], if(i < length(path), path[i + 1], toUInt64(0))), range(1, least(length(path), max_steps) + 1)), session_paths)) AS step_rows,
        -- Step 0 counts the persons with a path.
        if(empty(session_paths), step_rows, arrayPushFront(step_rows, (toUInt8(0), toUInt64(0), toUInt64(0)))) AS path_rows
    FROM
    (
        SELECT
            person,
            groupArrayArray(key_ts) AS person_ts,
            groupArrayArray(key_received) AS person_received,
            groupArrayArray(key_ties) AS person_ties,
            groupArrayArray(key_codes) AS person_codes
        FROM
        (
            SELECT
                if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(k.key_id))), 1, 16))) AS person,
                k.key_ts AS key_ts, k.key_received AS key_received, k.key_ties AS key_ties, k.key_codes AS key_codes
            FROM
            (
                SELECT
                    key_id,
                    groupArray(toUnixTimestamp64Milli(ts)) AS key_ts,
                    groupArray(toUnixTimestamp64Milli(received_at)) AS key_received,
                    groupArray(cityHash64(source, message_id)) AS key_ties,
                    groupArray(indexOf(names, event)) AS key_codes
                FROM events_by_day FINAL
                -- Actions only: identify, alias and group calls say who someone is, not what they did.
                WHERE ts >= fromUnixTimestamp64Milli(from_ms, 'UTC') AND ts < fromUnixTimestamp64Milli(to_ms, 'UTC') AND key_id != ''
                    AND type IN ('track', 'page', 'screen')
                    AND (empty(include_events) OR has(include_events, event)) AND NOT has(exclude_events, event)
                GROUP BY key_id
            ) AS k
            LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = k.key_id
        )
        GROUP BY person
    )
)
ARRAY JOIN path_rows AS path_row
GROUP BY step, source_code, target_code
)
ORDER BY step, source, target
