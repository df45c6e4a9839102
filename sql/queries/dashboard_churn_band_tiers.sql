-- Dashboards: scored customers of the current value fit per RFM-LTV tier and churn band.
SELECT tier, assumeNotNull(churn_band) AS band, count() AS customers, round(sum(ifNull(clv, 0)), 2) AS total_clv
FROM current_customer_scores
WHERE tier != '' AND isNotNull(churn_band)
GROUP BY tier, band
ORDER BY tier, band
