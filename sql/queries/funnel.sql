-- A person funnel (README, "Funnels": the semantics this follows step by step). Every name and
-- value is a bound parameter. Steps are 1-based here: bit k-1 of `mask` says an event matches
-- step k; bit k-1 of `xmask` says it is an exclusion event guarding the gap into step k (k >= 2).
-- An exclusion from step a to step b guards the gaps a+1..b: the same as guarding the whole span,
-- because the request refuses an exclusion naming one of the steps it guards.
-- Per person, events are numbered in the order (time, received time, source, message id); each
-- entry's window (its own event and the later ones at most `window` after it) is a window-function
-- frame over the person's events by time, cut to the events at or after the entry in that order.
-- A person thus costs the sum of its entries' window sizes, not entries x all its events.
-- Then per entry, over the events of its window only (local index 1 = the entry):
-- ordered / strict: reach_k[r] says some valid chain from the entry ends at r as step k. The
--   latest reach_{k-1} before r is the best previous step for r (shorter gap, fewer events
--   between), so each step is one vectorised pass: arrayFill carries the latest index and time
--   forward, another the latest exclusion. The level is the number of steps reached.
-- For the earliest entry reaching the person's furthest step, a backward pass marks the events
--   that can still lead to it (arrayReverseFill: the earliest marked next step is the best), and
--   the path takes the first marked event after the previous one at each step.
-- any: the distinct steps among the window's events; the k-th step reached is the k-th earliest
--   of the steps' first matching events.
-- Inside, lambdas capture scalars and short arrays only (a captured array is copied per element).
-- One walk serves every answer, so persons, counts, histogram and periods cannot disagree:
-- {interval} ('' / day / week) walks each entry period as a funnel of its own (README, "Funnels",
--   over_time); {persons_of} ('' / dropped / converted) keeps one row per person of furthest step
--   = / >= {persons_level} after {after}, {limit} of them in person id order; {span_from} and
--   {span_to} (1-based, 0 for none) collect each path's time between those steps (the histogram).
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
    -- Numbers travel as text: the parameter binding refuses integers past 2^53 (a filter on 1e16).
    arrayMap(a -> arrayMap(x -> toFloat64(x), a), {filter_numbers:Array(Array(String))}) AS filter_numbers,
    {exclusion_events:Array(String)} AS exclusion_events,
    {exclusion_from:Array(UInt8)} AS exclusion_from,
    {exclusion_to:Array(UInt8)} AS exclusion_to,
    {held:Array(String)} AS held_props,
    {breakdown:String} AS breakdown_prop,
    {attribution:String} AS attribution,
    {attribution_step:UInt8} AS attribution_step,
    {from_ms:Int64} AS from_ms,
    {to_ms:Int64} AS to_ms,
    {read_end_ms:Int64} AS read_end_ms,
    {interval:String} AS period_unit,
    {persons_of:String} AS persons_of,
    {persons_level:UInt8} AS persons_level,
    {after:String} AS after_person,
    {span_from:UInt8} AS span_from,
    {span_to:UInt8} AS span_to,
    (toUInt64(0), toInt64(0)) AS no_event,
    -- Per distinct event name, the bits of the steps it names and of the gaps it is excluded from
    -- (constants: the per-event work is one lookup each).
    arrayDistinct(step_events) AS step_names,
    arrayMap(nm -> toUInt32(arraySum(arrayMap((s, k) -> if(s = nm, bitShiftLeft(toUInt32(1), k - 1), toUInt32(0)), step_events, range(1, n_steps + 1)))), step_names) AS step_name_bits,
    arrayDistinct(exclusion_events) AS exclusion_names,
    arrayMap(nm -> toUInt32(arraySum(arrayMap(k -> if(arrayExists(x -> exclusion_events[x] = nm AND exclusion_from[x] + 1 < k AND k <= exclusion_to[x] + 1, range(1, length(exclusion_events) + 1)),
        bitShiftLeft(toUInt32(1), k - 1), toUInt32(0)), range(1, n_steps + 1)))), exclusion_names) AS exclusion_name_bits
SELECT
    grouping(bvalue) = 1 AS is_total,
    bvalue AS value,
    sumForEach(arrayMap(k -> toUInt64(level >= k), range(1, n_steps + 1))) AS persons,
    arrayMap(xs -> arraySort(xs), groupArrayForEach(gaps)) AS sorted_gaps,
    arrayMap(s -> if(empty(s), NULL, arraySum(s) / length(s) / 1000), sorted_gaps) AS mean_seconds,
    -- Quantiles interpolated between the closest ranks: h = (n - 1) p.
    arrayMap(s -> if(empty(s), NULL, arrayMap(h -> s[toUInt64(floor(h)) + 1] + (h - floor(h)) * (s[least(toUInt64(floor(h)) + 2, length(s))] - s[toUInt64(floor(h)) + 1]), [(length(s) - 1) * 0.5])[1] / 1000), sorted_gaps) AS median_seconds,
    arrayMap(s -> if(empty(s), NULL, arrayMap(h -> s[toUInt64(floor(h)) + 1] + (h - floor(h)) * (s[least(toUInt64(floor(h)) + 2, length(s))] - s[toUInt64(floor(h)) + 1]), [(length(s) - 1) * 0.9])[1] / 1000), sorted_gaps) AS p90_seconds,
    max(last_entry) AS last_entry_ms,
    period AS period_ms,
    person_key AS person_id,
    max(level) AS furthest_level,
    min(entry_ms) AS path_entry_ms,
    any(seen_ids) AS ids_seen,
    arraySort(groupArrayIf(span, span >= 0)) AS spans_ms
FROM
(
    SELECT
        level,
        last_entry,
        period,
        if(persons_of = '', '', person) AS person_key,
        seen_ids,
        arrayMap(x -> x.2, w) AS w_ts,
        arrayMap(x -> x.3, w) AS w_masks,
        arrayMap(x -> x.4, w) AS w_xmasks,
        w[1].5 AS entry_held,
        arrayMap(x -> x.5 = entry_held, w) AS w_held,
        arrayMap(x -> x.6, w) AS w_bvals,
        w_ts[1] AS entry_ms,
        arrayEnumerate(w_ts) AS w_index,
        -- Step k's bit at r: r can be step k of a path from the entry to `level`.
        arrayFold((f, k) -> arrayMap((fv, m, ok, next, next_x, r, t) -> bitOr(fv, if(r > 1 AND ok AND bitTest(m, k - 1) AND next.1 > 0
                    AND (next_x = 0 OR next_x > next.1)
                    AND (step_windows[k + 1] < 0 OR next.2 - t <= step_windows[k + 1])
                    AND (NOT strict OR next.1 = r + 1), bitShiftLeft(toUInt32(1), k - 1), toUInt32(0))),
                f, w_masks, w_held,
                arrayPushBack(arrayPopFront(arrayReverseFill(x -> x.1 != 0, arrayMap((fv, r, t) -> if(bitTest(fv, k), (r, t), no_event), f, w_index, w_ts))), no_event),
                arrayReverseFill(x -> x != 0, arrayMap((x, r) -> if(bitTest(x, k), r, toUInt64(0)), w_xmasks, w_index)),
                w_index, w_ts),
            arrayReverse(range(2, toUInt64(level))),
            arrayMap((m, ok, r) -> if(level >= 2 AND r > 1 AND ok AND bitTest(m, level - 1), bitShiftLeft(toUInt32(1), level - 1), toUInt32(0)), w_masks, w_held, w_index)) AS marked,
        if(any_order,
            arraySort(arrayFilter(x -> x > 0, arrayMap(k -> arrayFirstIndex((m, ok) -> ok AND bitTest(m, k - 1), w_masks, w_held), range(1, n_steps + 1)))),
            arrayFold((p, k) -> arrayPushBack(p, toUInt64(arrayFirstIndex((fv, r) -> r > p[-1] AND bitTest(fv, k - 1), marked, w_index))), range(2, toUInt64(level) + 1), [toUInt64(1)])
        ) AS path,
        arrayMap((a, b) -> b - a, arrayPopBack(arrayMap(p -> w_ts[p], path)), arrayPopFront(arrayMap(p -> w_ts[p], path))) AS gaps,
        if(span_to > 0 AND level >= span_to, w_ts[path[span_to]] - w_ts[path[span_from]], toInt64(-1)) AS span,
        multiIf(breakdown_prop = '', CAST(NULL AS Nullable(String)),
                attribution = 'first_touch', w_bvals[1],
                attribution = 'last_touch', w_bvals[path[-1]],
                any_order, arrayMap(at -> if(at > 0, w_bvals[at], NULL), [arrayFirstIndex((m, ok) -> ok AND bitTest(m, attribution_step - 1), w_masks, w_held)])[1],
                attribution_step <= length(path), w_bvals[path[attribution_step]],
                NULL) AS bvalue
    FROM
    (
        -- Per person (and entry period): the furthest step over its entries, and the window of the
        -- earliest entry reaching it.
        SELECT
            person,
            period,
            max(entry_level) AS level,
            argMin(w, (-toInt64(entry_level), entry_index)) AS w,
            max(entry_t) AS last_entry,
            any(seen_ids) AS seen_ids
        FROM
        (
            SELECT
                person,
                seen_ids,
                idx AS entry_index,
                t AS entry_t,
                -- Weeks start on Monday: 1970-01-01 was a Thursday.
                multiIf(period_unit = 'day', toInt64(floor(entry_t / 86400000)) * 86400000,
                        period_unit = 'week', toInt64(floor((entry_t + 3 * 86400000) / 604800000)) * 604800000 - 3 * 86400000,
                        toInt64(0)) AS period,
                arraySort(x -> x.1, arrayFilter(x -> x.1 >= idx AND x.2 <= t + window_ms, frame)) AS w,
                arrayMap(x -> x.2, w) AS w_ts,
                arrayMap(x -> x.3, w) AS w_masks,
                arrayMap(x -> x.4, w) AS w_xmasks,
                w[1].5 AS entry_held,
                arrayMap(x -> x.5 = entry_held, w) AS w_held,
                arrayEnumerate(w_ts) AS w_index,
                toUInt32(arrayReduce('groupBitOr', w_masks)) AS w_present,
                arrayFirstIndex(k -> NOT bitTest(w_present, k - 1), range(2, n_steps + 1)) AS w_gap,
                if(any_order,
                    bitCount(arrayReduce('groupBitOr', arrayFilter((m, ok) -> ok, w_masks, w_held))),
                    -- (reach of the previous step, steps reached so far)
                    arrayFold((acc, k) -> arrayMap(reach -> (reach, acc.2 + has(reach, 1)), [
                        arrayMap((m, ok, prev, prev_x, r, t) -> toUInt8(bitTest(m, k - 1) AND ok AND prev.1 > 0 AND prev_x < prev.1
                                AND (step_windows[k] < 0 OR t - prev.2 <= step_windows[k])
                                AND (NOT strict OR prev.1 = r - 1)),
                            w_masks, w_held,
                            arrayPushFront(arrayPopBack(arrayFill(x -> x.1 != 0, arrayMap((x, r, t) -> if(x = 1, (r, t), no_event), acc.1, w_index, w_ts))), no_event),
                            arrayFill(x -> x != 0, arrayMap((x, r) -> if(bitTest(x, k - 1), r, toUInt64(0)), w_xmasks, w_index)),
                            w_index, w_ts)])[1],
                        -- Only up to the first step no event of the window names: no chain passes it.
                        arraySlice(range(2, n_steps + 1), 1, if(w_gap = 0, n_steps - 1, w_gap - 1)),
                        (arrayMap(r -> toUInt8(r = 1), w_index), toUInt64(1))).2
                ) AS entry_level
            FROM
            (
                SELECT
                    person, idx, t, is_entry, seen_ids,
                    -- The events at most `window` after this one (and those tied with it in time), with
                    -- some more of the second the window ends in: the engine takes a RANGE offset only as a
                    -- 32-bit integer, so the frame runs in whole seconds (a duration is whole seconds,
                    -- models/analytics/duration.ts) and the window is cut to the millisecond above.
                    groupArray((idx, t, mask, xmask, held, bval)) OVER (PARTITION BY person ORDER BY intDiv(t, 1000)
                        RANGE BETWEEN CURRENT ROW AND intDiv({window_ms:Int64}, 1000) FOLLOWING) AS frame
                FROM
                (
                    SELECT
                        person, t, mask, xmask, held, bval,
                        row_number() OVER (PARTITION BY person ORDER BY t, received, src, mid) AS idx,
                        t >= from_ms AND t < to_ms AND if(any_order, mask != 0, bitTest(mask, 0)) AS is_entry,
                        -- The ids the events came with: the ids of a person the identity table does not know yet.
                        arraySort(groupUniqArrayIf(key_id, persons_of != '') OVER (PARTITION BY person ORDER BY t, received, src, mid
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS seen_ids
                    FROM
                    (
                        SELECT
                            if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(e.key_id))), 1, 16))) AS person,
                            e.key_id AS key_id,
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
                            -- The steps named by the event, less those whose filters fail on it.
                            bitAnd(transform(toString(e.event), step_names, step_name_bits, toUInt32(0)),
                                bitNot(toUInt32(arrayReduce('groupBitOr', arrayMap((ok, k) -> if(ok = 1, toUInt32(0), bitShiftLeft(toUInt32(1), k - 1)), passes, filter_steps))))) AS mask,
                            transform(toString(e.event), exclusion_names, exclusion_name_bits, toUInt32(0)) AS xmask,
                            arrayMap(h -> JSONExtractRaw(e.properties, h), held_props) AS held,
                            if(breakdown_prop = '' OR JSONType(e.properties, breakdown_prop) = 'Null', CAST(NULL AS Nullable(String)),
                                if(JSONType(e.properties, breakdown_prop) = 'String', JSONExtractString(e.properties, breakdown_prop), JSONExtractRaw(e.properties, breakdown_prop))) AS bval
                        FROM
                        (
                            SELECT key_id, source, message_id, event, ts, received_at, properties
                            FROM events_by_day FINAL
                            WHERE ts >= fromUnixTimestamp64Milli(from_ms, 'UTC') AND ts <= fromUnixTimestamp64Milli(read_end_ms, 'UTC') AND key_id != ''
                                -- strict: every event of the person counts for "the very next event".
                                AND (strict OR event IN step_events OR event IN exclusion_events)
                        ) AS e
                        LEFT JOIN (SELECT id, argMax(person_id, version) AS person_id FROM person_ids GROUP BY id) AS p ON p.id = e.key_id
                    )
                )
            )
            WHERE is_entry
        )
        GROUP BY person, period
        HAVING persons_of = '' OR (person > after_person AND if(persons_of = 'dropped', level = persons_level, level >= persons_level))
    )
)
GROUP BY GROUPING SETS ((period, person_key), (period, person_key, bvalue))
HAVING persons_of = '' OR is_total
ORDER BY person_key
LIMIT {limit:UInt64}
