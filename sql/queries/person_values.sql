-- The latest converged fit's predicted CLV, RFM-LTV tier and churn band of some persons.
SELECT customer AS person_id, clv, tier, churn_band
FROM current_customer_scores
WHERE customer IN {persons:Array(String)}
