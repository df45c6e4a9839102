-- Dashboards: scored customers of the current value fit per 0.05-wide bin of their churn
-- probability and per band (the bands' cuts, 0.4 and 0.7, fall on bin edges; 1 goes in the last bin).
SELECT
    least(toUInt32(floor(assumeNotNull(churn_probability) * 20)), 19) AS bin,
    round(bin / 20, 2) AS probability_from,
    round((bin + 1) / 20, 2) AS probability_to,
    assumeNotNull(churn_band) AS band,
    count() AS customers
FROM current_customer_scores
WHERE isNotNull(churn_probability) AND isNotNull(churn_band)
GROUP BY bin, band
ORDER BY bin, band
