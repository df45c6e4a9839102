-- Dashboards: the CLV distribution of the current value fit in {bins} equal bins from 0 to the
-- 99th percentile; the last bin also holds the top 1% (clv_to NULL), so one outlier does not
-- squeeze every other customer into the first bar.
WITH
    (SELECT quantileExact(0.99)(assumeNotNull(clv)) FROM current_customer_scores WHERE isNotNull(clv)) AS top,
    greatest(top, 0.01) / {bins:UInt32} AS width
SELECT
    least(toUInt32(floor(greatest(assumeNotNull(clv), 0) / width)), {bins:UInt32} - 1) AS bin,
    round(bin * width, 2) AS clv_from,
    if(bin = {bins:UInt32} - 1, NULL, round((bin + 1) * width, 2)) AS clv_to,
    count() AS customers
FROM current_customer_scores
WHERE isNotNull(clv)
GROUP BY bin
ORDER BY bin
