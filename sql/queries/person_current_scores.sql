-- A person's scores in the latest converged customer-value fit (its customers are person ids).
SELECT
    model_version, toUnixTimestamp64Milli(fitted_at) AS fitted_at, frequency, recency, age, monetary,
    expected_purchases, p_alive, expected_spend, clv, r_score, f_score, m_score, tier
FROM current_customer_scores
WHERE customer = {person:String}
LIMIT 1
