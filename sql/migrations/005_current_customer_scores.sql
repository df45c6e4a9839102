-- converged = 0 marks a fit whose optimiser stopped before its gradient test held: its parameters
-- are kept for the record, its scores are never stored and it is never the current fit.
ALTER TABLE model_fits ADD COLUMN IF NOT EXISTS converged UInt8 DEFAULT 1;

-- A singular Hessian (a parameter the data do not identify) leaves the standard errors unknown: NULL, not 0.
ALTER TABLE model_fits MODIFY COLUMN se_r Nullable(Float64), MODIFY COLUMN se_alpha Nullable(Float64), MODIFY COLUMN se_a Nullable(Float64), MODIFY COLUMN se_b Nullable(Float64);

-- The scores of the latest converged fit only. customer_scores keeps one row per customer (the
-- newest fit that scored them), so a customer a later fit leaves out (no purchase up to its
-- as_of, other purchase events) would otherwise keep showing an older fit's scores. Each fit
-- stores its scores in one insert, so (customer, model_version) is unique without FINAL.
CREATE VIEW IF NOT EXISTS current_customer_scores AS
SELECT *
FROM customer_scores
WHERE model_version = (SELECT model_version FROM model_fits WHERE converged = 1 ORDER BY fitted_at DESC LIMIT 1)
