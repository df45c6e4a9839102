-- How the analysis table's parts lie in time (pipelines/jobs/analysis-compaction.ts): its parts,
-- rows, and how many parts a day's rows are spread over on average. A live stream writes parts of
-- a few days each, merged into parts of neighbouring days, so a day lies in about one part; an
-- import of per-customer histories writes parts that each span the whole history, so every day
-- lies in every part and a range read with FINAL merges them all.
SELECT
    count() AS parts,
    sum(rows) AS rows,
    if(count() = 0, 0, sum(days) / greatest(1, dateDiff('day', min(first_day), max(last_day)) + 1)) AS parts_per_day
FROM
(
    SELECT _part, count() AS rows, min(day) AS first_day, max(day) AS last_day, dateDiff('day', min(day), max(day)) + 1 AS days
    FROM events_by_day
    GROUP BY _part
)
