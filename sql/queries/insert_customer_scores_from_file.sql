-- The embedded engine's scores insert: the worker thread that fitted the models spooled the rows
-- to a file in customer-scores-writer.ts's SCORE_COLUMNS order; file() takes the table's types.
INSERT INTO customer_scores (
    customer, model_version, fitted_at, frequency, recency, age, monetary, expected_purchases, p_alive,
    expected_spend, clv, r_score, f_score, m_score, tier, churn_probability, churn_percentile, churn_band
)
SELECT * FROM file({path:String}, 'TabSeparated')
