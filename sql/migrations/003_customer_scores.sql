-- Customer-value scores, one row per customer and fit; readers take the latest fit per customer
-- (ReplacingMergeTree on fitted_at, the wall-clock time of the fit, read with FINAL). Parameters
-- of each fit, and the time its purchases were taken up to (as_of), are in model_fits.
CREATE TABLE IF NOT EXISTS customer_scores
(
    customer            String,
    model_version       String,
    fitted_at           DateTime64(3, 'UTC'),
    frequency           Float64,
    recency             Float64,
    age                 Float64,
    monetary            Float64,
    expected_purchases  Float64,
    p_alive             Float64,
    expected_spend      Nullable(Float64),
    clv                 Nullable(Float64)
)
ENGINE = ReplacingMergeTree(fitted_at)
ORDER BY customer;

CREATE TABLE IF NOT EXISTS model_fits
(
    model_version   String,
    fitted_at       DateTime64(3, 'UTC'),
    as_of           DateTime64(3, 'UTC'),
    customers       UInt64,
    unit_days       Float64,
    horizon         Float64,
    r               Float64,
    alpha           Float64,
    a               Float64,
    b               Float64,
    ll              Float64,
    se_r            Float64,
    se_alpha        Float64,
    se_a            Float64,
    se_b            Float64,
    gg_p            Nullable(Float64),
    gg_q            Nullable(Float64),
    gg_gamma        Nullable(Float64),
    gg_ll           Nullable(Float64),
    seconds         Float64
)
ENGINE = MergeTree
ORDER BY fitted_at
