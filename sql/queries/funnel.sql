-- A person funnel (README, "Funnels": the semantics this follows step by step). Every name and
-- value is a bound parameter. Steps are 1-based here: bit k-1 of `mask` says an event matches
-- step k; bit k-1 of `xmask` says it is an exclusion event guarding the gap into step k (k >= 2).
-- An exclusion from step a to step b guards the gaps a+1..b: the same as guarding the whole span,
-- because the request refuses an exclusion naming one of the steps it guards.
-- The statement is put together by funnel-query.ts: the walk takes the place of the @walk marker
-- line (each walk includes the events read, funnel_events.sql). funnel_walk_frames.sql walks
-- every request as described below; funnel_walk_greedy.sql, for ordered funnels without
-- exclusions, step windows or held properties over the whole range, finds the same levels and
-- paths with one greedy chain per entry (its header says why that is exact there). Each walk
-- yields one row per person (and entry period): the furthest step, the chosen entry's time, the
-- gaps between its path's steps, the histogram span and the breakdown value; below, they are
-- counted once in the total and, with a breakdown, once under the person's value.
-- The frames walk: per person, events are numbered in the order (time, received time, tie: a
-- fixed hash of source and message id, as paths order them); each entry's window (its own event
-- and the later ones at most `window` after it) is a window-function frame over the person's
-- events by time, cut to the events at or after the entry in that order.
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
    CAST({filter_numbers:Array(Array(String))} AS Array(Array(Float64))) AS filter_numbers,
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
    -- Markers of the greedy walk's passes: no window end, no end of a chain.
    toInt64(-9000000000000000000) AS no_end,
    toInt64(9000000000000000000) AS never,
    toUInt64(9223372036854775808) AS sign_bit,
    -- Per distinct event name, the bits of the steps it names and of the gaps it is excluded from
    -- (constants: the per-event work is one lookup each).
    arrayDistinct(step_events) AS step_names,
    arrayMap(nm -> toUInt32(arraySum(arrayMap((s, k) -> if(s = nm, bitShiftLeft(toUInt32(1), k - 1), toUInt32(0)), step_events, range(1, n_steps + 1)))), step_names) AS step_name_bits,
    arrayDistinct(exclusion_events) AS exclusion_names,
    arrayMap(nm -> toUInt32(arraySum(arrayMap(k -> if(arrayExists(x -> exclusion_events[x] = nm AND exclusion_from[x] + 1 < k AND k <= exclusion_to[x] + 1, range(1, length(exclusion_events) + 1)),
        bitShiftLeft(toUInt32(1), k - 1), toUInt32(0)), range(1, n_steps + 1)))), exclusion_names) AS exclusion_name_bits
SELECT is_total, value, persons,
    arrayMap(g -> g.1, gap_stats) AS mean_seconds,
    arrayMap(g -> g.2, gap_stats) AS median_seconds,
    arrayMap(g -> g.3, gap_stats) AS p90_seconds,
    last_entry_ms, period_ms, person_id, furthest_level, path_entry_ms, ids_seen, spans_ms
FROM
(
    -- The statistics are read from this layer's column: an alias named three times is analysed three
    -- times (sql/queries/funnel_walk_greedy.sql).
    SELECT
        is_total,
        value,
        sumForEach(arrayMap(k -> toUInt64(level >= k), range(1, n_steps + 1))) AS persons,
        -- Per gap between steps, over its sorted times: the mean, and the median and p90 interpolated
        -- between the closest ranks (h = (n - 1) p). Only these leave the engine, not the times.
        arrayMap(s -> if(empty(s), (NULL, NULL, NULL), arrayMap(q -> (arraySum(s) / length(s) / 1000, q[1] / 1000, q[2] / 1000),
                [arrayMap(h -> s[toUInt64(floor(h)) + 1] + (h - floor(h)) * (s[least(toUInt64(floor(h)) + 2, length(s))] - s[toUInt64(floor(h)) + 1]),
                    [(length(s) - 1) * 0.5, (length(s) - 1) * 0.9])])[1]),
            arrayMap(xs -> arraySort(xs), groupArrayForEach(gaps))) AS gap_stats,
        max(last_entry) AS last_entry_ms,
        period AS period_ms,
        person_key AS person_id,
        max(level) AS furthest_level,
        min(entry_ms) AS path_entry_ms,
        any(seen_ids) AS ids_seen,
        arraySort(groupArrayIf(span, span >= 0)) AS spans_ms
    FROM
    (
        SELECT level, last_entry, period, if(persons_of = '', '', person) AS person_key, seen_ids, entry_ms, gaps, span,
            -- Each person counts in the total and, with a breakdown, under its value.
            arrayJoin(if(breakdown_prop = '', [(true, CAST(NULL AS Nullable(String)))], [(true, NULL), (false, walked.bvalue)])) AS split,
            split.1 AS is_total,
            split.2 AS value
        FROM
        (
            -- @walk
        ) AS walked
    )
    GROUP BY period, person_key, is_total, value
    HAVING persons_of = '' OR is_total
)
ORDER BY person_id
LIMIT {limit:UInt64}
