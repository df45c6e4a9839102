-- Top-20% lines for the high_value tag: the 80th percentile of predicted CLV in the latest
-- converged fit (NULL before any fit) and of 365-day spend over current profiles. The fit's version:
-- a new fit brings new per-person values (tier, churn band) even where no threshold moved.
SELECT
    (SELECT count() > 0 FROM current_customer_scores) AS scored,
    (SELECT model_version FROM model_fits WHERE converged = 1 ORDER BY fitted_at DESC LIMIT 1) AS model_version,
    (SELECT if(count() = 0, NULL, quantileExact({quantile:Float64})(clv)) FROM current_customer_scores WHERE clv IS NOT NULL) AS clv_threshold,
    (SELECT if(count() = 0, NULL, quantileExact({quantile:Float64})(spend_365d))
     FROM person_profiles FINAL WHERE merged_into = '') AS spend365_threshold
