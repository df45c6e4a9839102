-- Top-20% lines for the high_value tag: the 80th percentile of predicted CLV in the latest
-- converged fit (NULL before any fit) and of 365-day spend over current profiles.
SELECT
    (SELECT count() > 0 FROM current_customer_scores) AS scored,
    (SELECT if(count() = 0, NULL, quantileExact({quantile:Float64})(clv)) FROM current_customer_scores WHERE clv IS NOT NULL) AS clv_threshold,
    (SELECT if(count() = 0, NULL, quantileExact({quantile:Float64})(spend_365d))
     FROM person_profiles FINAL WHERE merged_into = '') AS spend365_threshold
