-- The walk of sql/queries/funnel.sql for ordered funnels without exclusions, step windows or held
-- properties, over the whole range (funnel-query.ts picks the walk; the rules are in funnel.sql's
-- header). From an entry, the earliest event of each next step is the best choice: it leaves the
-- most of the window to the steps after it, and nothing else constrains the gap. So one greedy
-- chain per entry reaches the furthest step, and its events are the path the rules ask for (the
-- earliest event at each step that still allows the furthest step). The furthest step and the
-- earliest entry reaching it are found without following every entry's chain: one pass forwards
-- per step finds the furthest step, one pass backwards per step the entry; each pass carries a
-- value along the person's events (arrayFill, arrayReverseFill), so a person costs its events x
-- steps, however many entries it has. Only the chosen entry's chain is then followed.
        -- Written as layers, each reading the one below as columns: the engine's analyzer copies an
        -- alias's whole expression into every place that names it, so chains of aliases naming
        -- aliases (ts -> entries -> window_ends -> levels -> path) grew the statement it analyses
        -- many times over; a column of a subquery is analysed once.
        SELECT person, period, level, last_entry, seen_ids, entry_ms, gaps, span,
            multiIf(breakdown_prop = '', CAST(NULL AS Nullable(String)),
                    attribution = 'first_touch', bvals[chosen],
                    attribution = 'last_touch', bvals[path[-1]],
                    attribution_step <= length(path), bvals[path[attribution_step]],
                    NULL) AS bvalue
        FROM
        (
            SELECT person, period, level, last_entry, seen_ids, chosen, bvals, path,
                ts[chosen] AS entry_ms,
                arrayMap(p -> ts[p], path) AS path_ts,
                arrayMap((a, b) -> b - a, arrayPopBack(path_ts), arrayPopFront(path_ts)) AS gaps,
                if(span_to > 0 AND level >= span_to, path_ts[span_to] - path_ts[span_from], toInt64(-1)) AS span
            FROM
            (
                SELECT person, period, level, last_entry, seen_ids, chosen, bvals, ts,
                    -- The chosen entry's chain: at each step the first event of the step after the previous
                    -- one. Its first `level` events lie within the window (that is how `level` was counted).
                    arrayFold((p, k) -> arrayPushBack(p, toUInt64(arrayFirstIndex((m, r) -> r > p[-1] AND bitTest(m, k - 1), masks, idx))),
                        range(2, toUInt64(level) + 1), [toUInt64(chosen)]) AS path
                FROM
                (
                    SELECT person, period, ts, masks, bvals, seen_ids, idx, level, last_entry,
                        -- The earliest entry whose chain reaches `level`: backwards from the last step, each event
                        -- of step k gets the time its chain to step `level` ends at the earliest (the chain of the
                        -- first event of step k + 1 after it: a later one never ends sooner), carried back to the
                        -- events before it (arrayReverseFill). An entry reaches `level` when that end is within
                        -- its window.
                        arrayFirstIndex((c, m, t) -> bitTest(m, 0) AND t >= from_ms AND t < to_ms AND c <= t + window_ms,
                            arrayFold((acc, k) -> arrayMap((m, next) -> if(bitTest(m, k - 1), next, never), masks,
                                    arrayReverseFill(x -> x != never, arrayPushBack(arrayPopFront(acc), never))),
                                arrayReverseSort(range(1, toUInt64(level))),
                                arrayMap((m, t) -> if(bitTest(m, level - 1), t, never), masks, ts)),
                            masks, ts) AS chosen
                    FROM
                    (
                        SELECT person, period, ts, masks, bvals, seen_ids, idx, last_entry,
                            -- The furthest step over all entries, forwards: each event of step k gets the window end
                            -- of the latest entry with a chain reaching it as step k. The events of step k - 1 before
                            -- it carry their ends forward (arrayFill); their latest is the largest (a chain reaching
                            -- a later event of step k - 1 within its window comes from the same or a later entry), and
                            -- if that window has closed at the event, every earlier entry's has too.
                            arrayFold((acc, k) -> arrayMap(ends -> (ends, if(arrayMax(ends) > no_end, toUInt8(k), acc.2)),
                                    [arrayMap((m, t, e) -> if(bitTest(m, k - 1) AND t <= e, e, no_end), masks, ts,
                                        arrayFill(x -> x != no_end, arrayPushFront(arrayPopBack(acc.1), no_end)))])[1],
                                range(2, n_steps + 1),
                                (arrayMap((m, t) -> if(bitTest(m, 0) AND t >= from_ms AND t < to_ms, t + window_ms, no_end), masks, ts), toUInt8(1))).2 AS level
                        FROM
                        (
                            SELECT person, period, ts, masks, bvals, seen_ids,
                                range(1, toUInt64(length(ts) + 1)) AS idx,
                                arrayMax(arrayFilter((t, m) -> bitTest(m, 0) AND t >= from_ms AND t < to_ms, ts, masks)) AS last_entry
                            FROM
                            (
                                SELECT
                                        -- An id the identity table does not know yet is a person of its own, named as the
                                        -- processor would name it (hashed once per person, not per event). Person ids start
                                        -- with 'p_', so the prefix 'u:' keeps such an id apart from them in one grouping key.
                                        if(startsWith(group_key, 'u:'), concat('p_', substring(lower(hex(SHA256(substring(group_key, 3)))), 1, 16)), group_key) AS person,
                                        toInt64(0) AS period,
                                        -- One number per event carries its place in the order (time, received time, tie) and
                                        -- its step bits: [time 64 | received 64 | tie 64 | steps 32] bits, times with their
                                        -- sign bit flipped to sort as unsigned. One plain numeric sort orders the person's
                                        -- events, where sorting each column by a tuple of three cost twice as much.
                                        groupArray(bitOr(bitOr(bitShiftLeft(toUInt256(bitXor(reinterpretAsUInt64(t), sign_bit)), 160),
                                            bitShiftLeft(toUInt256(bitXor(reinterpretAsUInt64(received), sign_bit)), 96)),
                                            bitOr(bitShiftLeft(toUInt256(tie), 32), toUInt256(mask)))) AS order0,
                                        arraySort(order0) AS ordered,
                                        arrayMap(o -> reinterpretAsInt64(bitXor(toUInt64(bitShiftRight(o, 160)), sign_bit)), ordered) AS ts,
                                        arrayMap(o -> toUInt32(bitAnd(o, toUInt256(4294967295))), ordered) AS masks,
                                        -- Breakdown values only with a breakdown (else none are collected, and the keys are cut
                                        -- to the same empty length: both branches of an if are evaluated), each in a tuple
                                        -- because groupArray skips a bare NULL.
                                        groupArrayIf(tuple(bval), breakdown_prop != '') AS b0,
                                        arrayMap(b -> b.1, arraySort((x, o) -> o, b0, arraySlice(order0, 1, length(b0)))) AS bvals,
                                        arraySort(arrayDistinct(groupArrayIf(key_id, persons_of != ''))) AS seen_ids
                                    FROM
                                    (
                                        SELECT
                                            if(p.person_id != '', p.person_id, concat('u:', read.key_id)) AS group_key,
                                            read.*
                                        FROM
                                        (
                                            -- @include funnel_events
                                        ) AS read
                                        LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = read.key_id
                                    )
                                    GROUP BY group_key
                                )
                            -- Persons with an entry only.
                            WHERE arrayExists((t, m) -> bitTest(m, 0) AND t >= from_ms AND t < to_ms, ts, masks)
                        )
                    )
                )
            )
        )
        WHERE persons_of = '' OR (person > after_person AND if(persons_of = 'dropped', level = persons_level, level >= persons_level))
