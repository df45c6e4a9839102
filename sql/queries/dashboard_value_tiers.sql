-- Dashboards: customers of the current value fit per RFM-LTV tier, with their total and mean CLV.
SELECT tier, count() AS customers, round(sum(ifNull(clv, 0)), 2) AS total_clv, round(avg(ifNull(clv, 0)), 2) AS mean_clv
FROM current_customer_scores
WHERE tier != ''
GROUP BY tier
ORDER BY customers DESC, tier
