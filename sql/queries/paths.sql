-- Paths (README, "Paths": the rules this follows). Every name is a bound parameter.
-- Per person, the events of the range sorted by (time, received time, a fixed hash of the event's
-- ids); a session starts at the first event and at each event `session_gap` or more after the one
-- before (PostHog's split); an event repeating the one before it in its session is dropped. Each
-- session gives at most one path, at most steps + 1 long: the extra node only tells a path cut at
-- the last step from one that ends there. Out come counts of (step, event, next event or ''), and
-- under step 0 the persons with a path; the Sankey's nodes, "other" and links are made from them
-- (models/analytics/paths-answer.ts), so the answer is small whatever the data.
WITH
    {from_ms:Int64} AS from_ms,
    {to_ms:Int64} AS to_ms,
    {session_gap_ms:Int64} AS session_gap_ms,
    {steps:UInt8} AS max_steps,
    {anchor:String} AS anchor,
    {backward:UInt8} = 1 AS backward,
    {include_events:Array(String)} AS include_events,
    {exclude_events:Array(String)} AS exclude_events
SELECT path_row.1 AS step, path_row.2 AS source, path_row.3 AS target, count() AS paths
FROM
(
    SELECT
        person,
        arraySort(groupArray((t, received, tie, event))) AS sorted,
        arrayMap(x -> x.1, sorted) AS ts,
        arrayMap(x -> x.4, sorted) AS names,
        arrayMap((x, previous, i) -> i = 1 OR x - previous >= session_gap_ms, ts, arrayPushFront(arrayPopBack(ts), toInt64(0)), arrayEnumerate(ts)) AS starts,
        arrayMap((x, previous, first) -> first OR x != previous, names, arrayPushFront(arrayPopBack(names), ''), starts) AS kept,
        arraySplit((x, first) -> first, arrayFilter((x, k) -> k, names, kept), arrayFilter((x, k) -> k, starts, kept)) AS sessions,
        arrayFilter(x -> notEmpty(x), arrayMap(session -> multiIf(
            anchor = '', arraySlice(session, 1, max_steps + 1),
            indexOf(session, anchor) = 0, CAST([], 'Array(String)'),
            backward, arraySlice(arrayReverse(arraySlice(session, 1, indexOf(session, anchor))), 1, max_steps + 1),
            arraySlice(session, indexOf(session, anchor), max_steps + 1)), sessions)) AS session_paths,
        arrayFlatten(arrayMap(path -> arrayMap(i -> (toUInt8(i), path[i], if(i < length(path), path[i + 1], '')), range(1, least(length(path), max_steps) + 1)), session_paths)) AS step_rows,
        -- Step 0 counts the persons with a path.
        if(empty(session_paths), step_rows, arrayPushFront(step_rows, (toUInt8(0), '', ''))) AS path_rows
    FROM
    (
        SELECT
            if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(e.key_id))), 1, 16))) AS person,
            toUnixTimestamp64Milli(e.ts) AS t,
            toUnixTimestamp64Milli(e.received_at) AS received,
            cityHash64(e.source, e.message_id) AS tie,
            toString(e.event) AS event
        FROM
        (
            -- Actions only: identify, alias and group calls say who someone is, not what they did.
            SELECT key_id, source, message_id, event, ts, received_at
            FROM events_by_key FINAL
            WHERE ts >= fromUnixTimestamp64Milli(from_ms, 'UTC') AND ts < fromUnixTimestamp64Milli(to_ms, 'UTC') AND key_id != ''
                AND type IN ('track', 'page', 'screen')
                AND (empty(include_events) OR has(include_events, event)) AND NOT has(exclude_events, event)
        ) AS e
        LEFT JOIN (SELECT id, argMax(person_id, version) AS person_id FROM person_ids GROUP BY id) AS p ON p.id = e.key_id
    )
    GROUP BY person
)
ARRAY JOIN path_rows AS path_row
GROUP BY step, source, target
ORDER BY step, source, target
