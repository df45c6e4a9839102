-- Churn scores beside the customer-value scores (README, "Churn scores in Pulse"): each value fit
-- is followed by a churn fit on the same as_of, and both go into the same row. NULL when the churn
-- model could not be trained (too little history) or for rows written before it existed.
ALTER TABLE customer_scores ADD COLUMN IF NOT EXISTS churn_probability Nullable(Float64);
ALTER TABLE customer_scores ADD COLUMN IF NOT EXISTS churn_percentile Nullable(Float64);
ALTER TABLE customer_scores ADD COLUMN IF NOT EXISTS churn_band LowCardinality(Nullable(String));

-- The view lists its columns when created: made again so that it shows the churn columns.
CREATE OR REPLACE VIEW current_customer_scores AS
SELECT *
FROM customer_scores
WHERE model_version = (SELECT model_version FROM model_fits WHERE converged = 1 ORDER BY fitted_at DESC LIMIT 1);

-- One row per churn fit: its quality card (models/churn/churn-card.ts, as JSON) with the figures
-- a reader lists fits by (auc, brier: the backtest's, else in-sample; NULL when undefined). `version` is the value fit's model_version whose rows carry its scores.
CREATE TABLE IF NOT EXISTS churn_models
(
    version         String,
    fitted_at       DateTime64(3, 'UTC'),
    as_of           DateTime64(3, 'UTC'),
    label           LowCardinality(String),
    horizon_days    UInt32,
    training_from   Date,
    training_to     Date,
    training_rows   UInt64,
    customers       UInt64,
    auc             Nullable(Float64),
    brier           Nullable(Float64),
    converged       UInt8,
    card            String
)
ENGINE = MergeTree
ORDER BY fitted_at
