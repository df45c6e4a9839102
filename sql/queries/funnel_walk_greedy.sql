-- The walk of sql/queries/funnel.sql for ordered funnels without exclusions, step windows or held
-- properties, over the whole range (funnel-query.ts picks the walk; the rules are in funnel.sql's
-- header). From an entry, the earliest event of each next step is the best choice: it leaves the
-- most of the window to the steps after it, and nothing else constrains the gap. So one greedy
-- chain per entry reaches the furthest step, and its events are the path the rules ask for (the
-- earliest event at each step that still allows the furthest step). Per person, the chains of all
-- entries advance one step at a time, each step one sort of the chains' positions with the step's
-- events, so a person costs (events + entries) x steps, however many entries it has.
        SELECT person, period, level, last_entry, seen_ids,
            ts[chosen] AS entry_ms,
            -- The chosen entry's chain: at each step the first event of the step after the previous
            -- one. Its first `level` events lie within the window (that is how `level` was counted).
            arrayFold((p, k) -> arrayPushBack(p, toUInt64(arrayFirstIndex((m, r) -> r > p[-1] AND bitTest(m, k - 1), masks, idx))),
                range(2, toUInt64(level) + 1), [chosen]) AS path,
            arrayMap((a, b) -> b - a, arrayPopBack(arrayMap(p -> ts[p], path)), arrayPopFront(arrayMap(p -> ts[p], path))) AS gaps,
            if(span_to > 0 AND level >= span_to, ts[path[span_to]] - ts[path[span_from]], toInt64(-1)) AS span,
            multiIf(breakdown_prop = '', CAST(NULL AS Nullable(String)),
                    attribution = 'first_touch', ev[chosen].3,
                    attribution = 'last_touch', ev[path[-1]].3,
                    attribution_step <= length(path), ev[path[attribution_step]].3,
                    NULL) AS bvalue
        FROM
        (
            SELECT
                -- An id the identity table does not know yet is a person of its own, named as the
                -- processor would name it (hashed once per person, not per event). Person ids start
                -- with 'p_', so the prefix 'u:' keeps such an id apart from them in one grouping key.
                if(startsWith(group_key, 'u:'), concat('p_', substring(lower(hex(SHA256(substring(group_key, 3)))), 1, 16)), group_key) AS person,
                toInt64(0) AS period,
                arraySort(x -> (x.1, x.4, x.5), groupArray((t, mask, bval, received, tie))) AS ev,
                arraySort(arrayDistinct(groupArrayIf(key_id, persons_of != ''))) AS seen_ids,
                toUInt64(length(ev) + 1) AS none,
                ev.1 AS ts,
                ev.2 AS masks,
                range(1, none) AS idx,
                -- Each event as (position, kind 1 = an event, time), merged below with the chains (kind 2).
                arrayMap((p, at) -> (p, toUInt8(1), at), idx, ts) AS positioned,
                arrayFilter((p, m, t) -> bitTest(m, 0) AND t >= from_ms AND t < to_ms, idx, masks, ts) AS entries,
                arrayFilter((t, m) -> bitTest(m, 0) AND t >= from_ms AND t < to_ms, ts, masks) AS entry_ts,
                toUInt32(arrayReduce('groupBitOr', masks)) AS steps_present,
                arrayFirstIndex(k -> NOT bitTest(steps_present, k - 1), range(2, n_steps + 1)) AS step_gap,
                -- (each entry's chain position, the steps it has reached within the window). Per step, the
                -- chains' positions (sorted: a later entry's chain is never behind an earlier one's) are
                -- merged with the step's events, data before a chain at the same place, and each chain
                -- takes the next event after it (arrayReverseFill): a sort of both, not chains x events.
                arrayFold((acc, k) -> arrayMap(merged -> arrayMap(next -> (
                            arrayMap((kind, p) -> if(kind = 1, p, none), next.2, next.1),
                            arrayMap((kind, at, l, t0) -> toUInt8(l + (l = k - 1 AND kind = 1 AND at - t0 <= window_ms)), next.2, next.3, acc.2, entry_ts)),
                        [arrayFilter((x, kind) -> kind = 2, arrayReverseFill(x -> x.2 = 1, merged), merged.2)])[1],
                    [arraySort(arrayConcat(
                        arrayFilter((x, m) -> bitTest(m, k - 1), positioned, masks),
                        arrayMap(g -> (g, toUInt8(2), toInt64(0)), acc.1)))])[1],
                    -- Only up to the first step none of the person's events names: no chain passes it.
                    range(2, if(step_gap = 0, n_steps, step_gap) + 1), (entries, arrayMap(x -> toUInt8(1), entries))).2 AS levels,
                arrayMax(levels) AS level,
                entries[arrayFirstIndex(l -> l = level, levels)] AS chosen,
                entry_ts[-1] AS last_entry
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
        WHERE length(entries) > 0
            AND (persons_of = '' OR (person > after_person AND if(persons_of = 'dropped', level = persons_level, level >= persons_level)))
