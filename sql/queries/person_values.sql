-- The latest converged fit's predicted CLV and RFM-LTV tier of some persons.
SELECT customer AS person_id, clv, tier
FROM current_customer_scores
WHERE customer IN {persons:Array(String)}
