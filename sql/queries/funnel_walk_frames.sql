-- The walk of sql/queries/funnel.sql for every request (funnel-query.ts picks the walk): per person
-- (and entry period), the furthest step over its entries, the window of the earliest entry reaching
-- it, and the path through that window. Its rules are in funnel.sql's header.
        SELECT person, period, level, last_entry, seen_ids,
            w_ts[1] AS entry_ms,
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
            SELECT person, period, level, w, last_entry, seen_ids,
                arrayMap(x -> x.2, w) AS w_ts,
                arrayMap(x -> x.6, w) AS w_bvals,
                arrayMap(x -> x.3, w) AS w_masks,
                arrayMap(x -> x.4, w) AS w_xmasks,
                w[1].5 AS entry_held,
                arrayMap(x -> x.5 = entry_held, w) AS w_held,
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
                ) AS path
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
                                row_number() OVER (PARTITION BY person ORDER BY t, received, tie) AS idx,
                                t >= from_ms AND t < to_ms AND if(any_order, mask != 0, bitTest(mask, 0)) AS is_entry,
                                -- The ids the events came with: the ids of a person the identity table does not know yet.
                                arraySort(groupUniqArrayIf(key_id, persons_of != '') OVER (PARTITION BY person ORDER BY t, received, tie
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS seen_ids
                            FROM
                            (
                                SELECT
                                    if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(ev.key_id))), 1, 16))) AS person,
                                    ev.key_id AS key_id, ev.t AS t, ev.received AS received, ev.tie AS tie, ev.mask AS mask, ev.xmask AS xmask, ev.held AS held, ev.bval AS bval
                                FROM
                                (
                                    -- @include funnel_events
                                ) AS ev
                                LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = ev.key_id
                            )
                        )
                    )
                    WHERE is_entry
                )
                GROUP BY person, period
                HAVING persons_of = '' OR (person > after_person AND if(persons_of = 'dropped', level = persons_level, level >= persons_level))
            )
        )
