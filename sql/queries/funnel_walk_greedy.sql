-- The walk of sql/queries/funnel.sql for ordered funnels without exclusions, step windows or held
-- properties, over the whole range (funnel-query.ts picks the walk; the rules are in funnel.sql's
-- header). From an entry, the earliest event of each next step is the best choice: it leaves the
-- most of the window to the steps after it, and nothing else constrains the gap. So one greedy
-- chain per entry reaches the furthest step, and its events are the path the rules ask for (the
-- earliest event at each step that still allows the furthest step). Per person, the chains of all
-- entries advance one step at a time, each step one sort of the chains' positions with the step's
-- events, so a person costs (events + entries) x steps, however many entries it has.
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
                        range(2, toUInt64(level) + 1), [chosen]) AS path
                FROM
                (
                    SELECT person, period, ts, masks, bvals, seen_ids, idx, entries, entry_ts,
                        arrayMax(levels) AS level,
                        entries[arrayFirstIndex(l -> l = level, levels)] AS chosen,
                        entry_ts[-1] AS last_entry
                    FROM
                    (
                        SELECT person, period, ts, masks, bvals, seen_ids, idx, entries, entry_ts,
                            -- (each entry's chain position, the steps it has reached within the window). Per step, the
                            -- chains' positions (sorted: a later entry's chain is never behind an earlier one's) are
                            -- merged with the step's events, and each chain takes the next event after it
                            -- (arrayReverseFill): a sort of both, not chains x events.
                            arrayFold((acc, k) -> arrayMap(merged -> arrayMap(next -> (
                                        arrayMap(x -> if(x % 2 = 0, intDiv(x, 2), none), next),
                                        arrayMap((x, l, we) -> toUInt8(l + (l = k - 1 AND x % 2 = 0 AND intDiv(x, 2) <= we)), next, acc.2, window_ends)),
                                    [arrayFilter((x, o) -> o % 2 = 1, arrayReverseFill(x -> x % 2 = 0, merged), merged)])[1],
                                [arraySort(arrayConcat(
                                    arrayFilter((x, m) -> bitTest(m, k - 1), keyed, masks),
                                    arrayMap(g -> g * 2 + 1, acc.1)))])[1],
                                -- Only up to the first step none of the person's events names: no chain passes it.
                                range(2, if(step_gap = 0, n_steps, step_gap) + 1), (entries, arrayMap(x -> toUInt8(1), entries))).2 AS levels
                        FROM
                        (
                            SELECT person, period, ts, masks, bvals, seen_ids, idx, entries, entry_ts,
                                toUInt64(length(ts) + 1) AS none,
                                -- Positions packed with a kind bit into one number, so the merges above are plain
                                -- numeric sorts: an event at p is 2p, a chain standing at p is 2p + 1 (after it).
                                arrayMap(p -> p * 2, idx) AS keyed,
                                arrayFirstIndex(k -> NOT bitTest(toUInt32(arrayReduce('groupBitOr', masks)), k - 1), range(2, n_steps + 1)) AS step_gap,
                                -- Per entry, the last position within its window: the events' times and the entries'
                                -- window ends merged (time relative to the first event, doubled, + 1 for an end, so an
                                -- event at the end's very time counts), and the events before each end counted.
                                -- Both terms stay below 2^45 (times and windows are bounded), so nothing overflows.
                                arraySort(arrayConcat(arrayMap(u -> bitShiftLeft(toUInt64(u - ts[1]), 1), ts),
                                    arrayMap(u -> bitShiftLeft(toUInt64(u - ts[1] + window_ms), 1) + 1, entry_ts))) AS window_merge,
                                arrayFilter((c, x) -> x % 2 = 1, arrayCumSum(arrayMap(x -> toUInt64(x % 2 = 0), window_merge)), window_merge) AS window_ends
                            FROM
                            (
                                SELECT person, period, ts, masks, bvals, seen_ids,
                                    range(1, toUInt64(length(ts) + 1)) AS idx,
                                    arrayFilter((p, m, t) -> bitTest(m, 0) AND t >= from_ms AND t < to_ms, idx, masks, ts) AS entries,
                                    arrayFilter((t, m) -> bitTest(m, 0) AND t >= from_ms AND t < to_ms, ts, masks) AS entry_ts
                                FROM
                                (
                                    SELECT
                                        -- An id the identity table does not know yet is a person of its own, named as the
                                        -- processor would name it (hashed once per person, not per event). Person ids start
                                        -- with 'p_', so the prefix 'u:' keeps such an id apart from them in one grouping key.
                                        if(startsWith(group_key, 'u:'), concat('p_', substring(lower(hex(SHA256(substring(group_key, 3)))), 1, 16)), group_key) AS person,
                                        toInt64(0) AS period,
                                        -- Each column collected on its own and sorted by the same key (time, received, tie):
                                        -- plain numeric arrays collect several times faster than an array of tuples, and equal
                                        -- keys give every sort the same permutation, so the arrays stay aligned.
                                        groupArray(t) AS ts0, groupArray(received) AS r0, groupArray(tie) AS h0,
                                        arraySort((x, a, b, c) -> (a, b, c), ts0, ts0, r0, h0) AS ts,
                                        arraySort((x, a, b, c) -> (a, b, c), groupArray(mask), ts0, r0, h0) AS masks,
                                        -- Breakdown values only with a breakdown (else none are collected, and the keys are cut
                                        -- to the same empty length: both branches of an if are evaluated), each in a tuple
                                        -- because groupArray skips a bare NULL.
                                        groupArrayIf(tuple(bval), breakdown_prop != '') AS b0,
                                        arrayMap(b -> b.1, arraySort((x, a, b, c) -> (a, b, c), b0, arraySlice(ts0, 1, length(b0)), arraySlice(r0, 1, length(b0)), arraySlice(h0, 1, length(b0)))) AS bvals,
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
                            )
                            WHERE length(entries) > 0
                        )
                    )
                )
            )
        )
        WHERE persons_of = '' OR (person > after_person AND if(persons_of = 'dropped', level = persons_level, level >= persons_level))
