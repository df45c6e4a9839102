-- Dashboards: customers of the current value fit per (recency score, frequency score), with their
-- mean CLV (RFM quintiles of models/value/rfm.ts; 0 means not scored).
SELECT r_score, f_score, count() AS customers, round(avg(ifNull(clv, 0)), 2) AS mean_clv
FROM current_customer_scores
WHERE r_score > 0 AND f_score > 0
GROUP BY r_score, f_score
ORDER BY r_score, f_score
