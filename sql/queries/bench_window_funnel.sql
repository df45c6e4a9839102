-- bench/analytics only: the engine's own windowFunnel over the rows a funnel reads (the step
-- events of events_by_day in [from, to + window], persons through person_ids, entries before
-- `to`), as the floor a person funnel is measured against. It has none of the funnel's rules for
-- ties, exclusions, held properties or times to convert, so it answers a simpler question.
SELECT level, count() AS persons
FROM
(
    SELECT
        if(p.person_id != '', p.person_id, e.key_id) AS person,
        windowFunnel({window_ms:UInt64})(toUInt64(toUnixTimestamp64Milli(e.ts)),
            e.event = {step_events:Array(String)}[1] AND e.ts < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC'), e.event = {step_events:Array(String)}[2], e.event = {step_events:Array(String)}[3],
            e.event = {step_events:Array(String)}[4], e.event = {step_events:Array(String)}[5]) AS level
    FROM
    (
        SELECT key_id, event, ts
        FROM events_by_day FINAL
        WHERE ts >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({read_end_ms:Int64}, 'UTC')
            AND event IN {step_events:Array(String)}
    ) AS e
    LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = e.key_id
    GROUP BY person
)
GROUP BY level
ORDER BY level
