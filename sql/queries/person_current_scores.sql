-- A person's scores in the latest converged customer-value fit (its customers are person ids),
-- with the churn scores of the churn fit that followed it (NULL when that fit could not score).
SELECT
    model_version, toUnixTimestamp64Milli(fitted_at) AS fitted_at, frequency, recency, age, monetary,
    expected_purchases, p_alive, expected_spend, clv, r_score, f_score, m_score, tier,
    churn_probability, churn_percentile, churn_band
FROM current_customer_scores
WHERE customer = {person:String}
LIMIT 1
