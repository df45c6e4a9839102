-- A person funnel (README, "Funnels": the semantics this follows step by step). Every name and
-- value is a bound parameter. Steps are 1-based here: bit k-1 of `mask` says an event matches step
-- k; bit k-1 of `xmask` says it is an exclusion event guarding the gap into step k (k >= 2).
-- Per person, the events are sorted by (time, received time, source, message id), then:
-- ordered / strict: for each entry, one pass keeping per step the latest event that ends a valid
-- chain (a later chain end is never worse: shorter gaps, fewer events between), which gives the
-- furthest step; for the earliest entry reaching the person's furthest step, a backward pass
-- marks the events that can still lead to it, and the path takes the first marked one per step.
-- any: the distinct steps matched by the events within the window from the entry.
-- `arrayMap(x -> ..., [expr])[1]` binds expr to a name inside a lambda.
WITH
    {step_events:Array(String)} AS step_events,
    length(step_events) AS n_steps,
    {step_windows_ms:Array(Int64)} AS step_windows,
    {window_ms:Int64} AS window_ms,
    {order:String} = 'strict' AS strict,
    {order:String} = 'any' AS any_order,
    {filter_steps:Array(UInt8)} AS filter_steps,
    {filter_props:Array(String)} AS filter_props,
    {filter_ops:Array(String)} AS filter_ops,
    {filter_negate:Array(UInt8)} AS filter_negate,
    {filter_kinds:Array(Array(String))} AS filter_kinds,
    {filter_texts:Array(Array(String))} AS filter_texts,
    {filter_numbers:Array(Array(Float64))} AS filter_numbers,
    {exclusion_events:Array(String)} AS exclusion_events,
    {exclusion_from:Array(UInt8)} AS exclusion_from,
    {exclusion_to:Array(UInt8)} AS exclusion_to,
    {held:Array(String)} AS held_props,
    {breakdown:String} AS breakdown_prop,
    {attribution:String} AS attribution,
    {attribution_step:UInt8} AS attribution_step,
    {from_ms:Int64} AS from_ms,
    {to_ms:Int64} AS to_ms
SELECT
    grouping(bvalue) = 1 AS is_total,
    bvalue AS value,
    sumForEach(arrayMap(k -> toUInt64(level >= k), range(1, n_steps + 1))) AS persons,
    arrayMap(xs -> arraySort(xs), groupArrayForEach(gaps)) AS sorted_gaps,
    arrayMap(s -> if(empty(s), NULL, arraySum(s) / length(s) / 1000), sorted_gaps) AS mean_seconds,
    arrayMap(s -> if(empty(s), NULL, arrayMap(h -> s[toUInt64(floor(h)) + 1] + (h - floor(h)) * (s[least(toUInt64(floor(h)) + 2, length(s))] - s[toUInt64(floor(h)) + 1]), [(length(s) - 1) * 0.5])[1] / 1000), sorted_gaps) AS median_seconds,
    arrayMap(s -> if(empty(s), NULL, arrayMap(h -> s[toUInt64(floor(h)) + 1] + (h - floor(h)) * (s[least(toUInt64(floor(h)) + 2, length(s))] - s[toUInt64(floor(h)) + 1]), [(length(s) - 1) * 0.9])[1] / 1000), sorted_gaps) AS p90_seconds,
    max(last_entry) AS last_entry_ms
FROM
(
    SELECT
        level,
        gaps,
        last_entry,
        multiIf(breakdown_prop = '', CAST(NULL AS Nullable(String)),
                attribution = 'first_touch', bvals[entry],
                attribution = 'last_touch', bvals[path[level]],
                any_order, if(arrayExists(r -> bitTest(masks[r], attribution_step - 1), window_events),
                    bvals[arrayFirst(r -> bitTest(masks[r], attribution_step - 1), window_events)], NULL),
                attribution_step <= length(path), bvals[path[attribution_step]],
                NULL) AS bvalue
    FROM
    (
        SELECT
            *,
            if(any_order,
                -- path[k]: the event at which the k-th distinct step was first matched.
                arrayMap(covered -> arrayMap(k -> window_events[arrayFirstIndex(c -> c >= k, covered)], range(1, level + 1)),
                    [arrayMap(j -> bitCount(arrayFold((acc, r) -> bitOr(acc, masks[r]), arraySlice(window_events, 1, j), toUInt32(0))), arrayEnumerate(window_events))])[1],
                arrayFold((p, k) -> arrayPushBack(p, toInt64(arrayFirstIndex((f, r) -> r > p[k - 1] AND bitTest(f, k - 1), feasible, arrayEnumerate(feasible)))), range(2, level + 1), [toInt64(entry)])
            ) AS path,
            arrayMap(k -> ts[path[k]] - ts[path[k - 1]], range(2, level + 1)) AS gaps
        FROM
        (
            SELECT
                *,
                arrayReduce('max', levels) AS level,
                entries[arrayFirstIndex(l -> l = level, levels)] AS entry,
                arrayCount(t -> t <= ts[entry] + window_ms, ts) AS entry_end,
                -- The events within the window from the entry that carry its held values.
                arrayFilter(r -> helds[r] = helds[entry], range(entry, entry_end + 1)) AS window_events,
                -- step k's bit at event r: r can be the path's step k and still lead on to `level`.
                if(any_order, CAST([] AS Array(UInt32)), arrayFold((acc, q) -> arrayMap(fv -> (
                        arrayMap(k -> if(bitTest(fv, k - 1), toInt64(q), acc.1[k]), range(1, n_steps + 1)),
                        arrayMap(k -> if(bitTest(xmasks[q], k - 1), toInt64(q), acc.2[k]), range(1, n_steps + 1)),
                        arrayPushFront(acc.3, fv)),
                    -- (earliest marked event per step, earliest exclusion per gap) after q.
                    [toUInt32(arraySum(arrayMap(k -> if(k >= 2 AND k <= level AND bitTest(masks[q], k - 1) AND helds[q] = helds[entry]
                        AND (k = level OR (acc.1[k + 1] > 0
                            AND (acc.2[k + 1] = 0 OR acc.2[k + 1] > acc.1[k + 1])
                            AND (step_windows[k + 1] < 0 OR ts[acc.1[k + 1]] - ts[q] <= step_windows[k + 1])
                            AND (NOT strict OR acc.1[k + 1] = q + 1))), bitShiftLeft(toUInt32(1), k - 1), toUInt32(0)), range(1, n_steps + 1))))])[1],
                    arrayReverse(range(toUInt64(entry) + 1, toUInt64(entry_end) + 1)),
                    (arrayWithConstant(n_steps, toInt64(0)), arrayWithConstant(n_steps, toInt64(0)), CAST([] AS Array(UInt32)))).3) AS feasible_after_entry,
                arrayConcat(arrayWithConstant(entry, toUInt32(0)), feasible_after_entry) AS feasible
            FROM
            (
                SELECT
                    person,
                    arrayMap(x -> x.1, sorted) AS ts,
                    arrayMap(x -> x.5, sorted) AS masks,
                    arrayMap(x -> x.6, sorted) AS xmasks,
                    arrayMap(x -> x.7, sorted) AS helds,
                    arrayMap(x -> x.8, sorted) AS bvals,
                    arrayFilter(i -> ts[i] >= from_ms AND ts[i] < to_ms AND if(any_order, masks[i] != 0, bitTest(masks[i], 0)), arrayEnumerate(ts)) AS entries,
                    arrayReduce('max', arrayMap(i -> ts[i], entries)) AS last_entry,
                    arrayMap(i -> if(any_order,
                        bitCount(arrayFold((acc, r) -> if(helds[r] = helds[i], bitOr(acc, masks[r]), acc), range(i, arrayCount(t -> t <= ts[i] + window_ms, ts) + 1), toUInt32(0))),
                        -- (latest chain end per step, latest exclusion per gap); the level is how many steps have a chain end.
                        arrayCount(x -> x > 0, arrayFold((acc, r) -> (
                            arrayMap(k -> if(k >= 2 AND bitTest(masks[r], k - 1) AND helds[r] = helds[i] AND acc.1[k - 1] > 0
                                AND acc.2[k] < acc.1[k - 1]
                                AND (step_windows[k] < 0 OR ts[r] - ts[acc.1[k - 1]] <= step_windows[k])
                                AND (NOT strict OR acc.1[k - 1] = r - 1), toInt64(r), acc.1[k]), range(1, n_steps + 1)),
                            arrayMap(k -> if(bitTest(xmasks[r], k - 1), toInt64(r), acc.2[k]), range(1, n_steps + 1))),
                            range(i + 1, arrayCount(t -> t <= ts[i] + window_ms, ts) + 1),
                            (arrayMap(k -> if(k = 1, toInt64(i), toInt64(0)), range(1, n_steps + 1)), arrayWithConstant(n_steps, toInt64(0)))).1)),
                        entries) AS levels
                FROM
                (
                    SELECT person, arraySort(groupArray((t, received, src, mid, mask, xmask, held, bval))) AS sorted
                    FROM
                    (
                        SELECT
                            if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(e.key_id))), 1, 16))) AS person,
                            toUnixTimestamp64Milli(e.ts) AS t,
                            toUnixTimestamp64Milli(e.received_at) AS received,
                            e.source AS src,
                            e.message_id AS mid,
                            arrayMap(f -> toUInt8(filter_negate[f] != multiIf(
                                filter_ops[f] = 'is_set', JSONType(e.properties, filter_props[f]) != 'Null',
                                filter_ops[f] = 'eq', arrayExists((kind, text, number) -> multiIf(
                                    kind = 'number', JSONType(e.properties, filter_props[f]) IN ('Int64', 'UInt64', 'Double') AND JSONExtractFloat(e.properties, filter_props[f]) = number,
                                    kind = 'string', JSONType(e.properties, filter_props[f]) = 'String' AND JSONExtractString(e.properties, filter_props[f]) = text,
                                    JSONType(e.properties, filter_props[f]) = 'Bool' AND JSONExtractBool(e.properties, filter_props[f]) = (text = 'true')),
                                    filter_kinds[f], filter_texts[f], filter_numbers[f]),
                                filter_ops[f] = 'contains', JSONType(e.properties, filter_props[f]) = 'String' AND position(JSONExtractString(e.properties, filter_props[f]), filter_texts[f][1]) > 0,
                                JSONType(e.properties, filter_props[f]) NOT IN ('Int64', 'UInt64', 'Double'), 0,
                                filter_ops[f] = 'gt', JSONExtractFloat(e.properties, filter_props[f]) > filter_numbers[f][1],
                                filter_ops[f] = 'gte', JSONExtractFloat(e.properties, filter_props[f]) >= filter_numbers[f][1],
                                filter_ops[f] = 'lt', JSONExtractFloat(e.properties, filter_props[f]) < filter_numbers[f][1],
                                JSONExtractFloat(e.properties, filter_props[f]) <= filter_numbers[f][1])),
                                range(1, length(filter_ops) + 1)) AS passes,
                            toUInt32(arraySum(arrayMap(k -> if(e.event = step_events[k] AND arrayAll(f -> filter_steps[f] != k OR passes[f] = 1, range(1, length(filter_ops) + 1)),
                                bitShiftLeft(toUInt32(1), k - 1), toUInt32(0)), range(1, n_steps + 1)))) AS mask,
                            toUInt32(arraySum(arrayMap(k -> if(arrayExists(x -> exclusion_events[x] = e.event AND exclusion_from[x] + 1 < k AND k <= exclusion_to[x] + 1, range(1, length(exclusion_events) + 1)),
                                bitShiftLeft(toUInt32(1), k - 1), toUInt32(0)), range(1, n_steps + 1)))) AS xmask,
                            arrayMap(h -> JSONExtractRaw(e.properties, h), held_props) AS held,
                            if(breakdown_prop = '' OR JSONType(e.properties, breakdown_prop) = 'Null', CAST(NULL AS Nullable(String)),
                                if(JSONType(e.properties, breakdown_prop) = 'String', JSONExtractString(e.properties, breakdown_prop), JSONExtractRaw(e.properties, breakdown_prop))) AS bval
                        FROM
                        (
                            SELECT key_id, source, message_id, event, ts, received_at, properties
                            FROM events_by_key FINAL
                            WHERE ts >= fromUnixTimestamp64Milli(from_ms, 'UTC') AND ts <= fromUnixTimestamp64Milli(to_ms + window_ms, 'UTC') AND key_id != ''
                                -- strict: every event of the person counts for "the very next event".
                                AND (strict OR event IN step_events OR event IN exclusion_events)
                        ) AS e
                        LEFT JOIN (SELECT id, argMax(person_id, version) AS person_id FROM person_ids GROUP BY id) AS p ON p.id = e.key_id
                    )
                    GROUP BY person
                )
                WHERE notEmpty(entries)
            )
        )
    )
)
GROUP BY GROUPING SETS ((), (bvalue))
