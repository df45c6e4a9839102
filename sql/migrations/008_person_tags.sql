-- The tags each person holds now, one row per (tag, person) and state; the newest version wins
-- (read with FINAL). A removed tag stays as a row with active = 0, so a later state always
-- replaces an earlier one. Ordered by tag first: listing the persons holding a tag is a range read.
CREATE TABLE IF NOT EXISTS person_tags
(
    person_id   String,
    tag         String,
    layer       LowCardinality(String),
    active      UInt8,
    -- When the current state began (the tag was added, or removed).
    since       DateTime64(3, 'UTC'),
    -- JSON: the feature values that decided it.
    reason      String,
    version     UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tag, person_id);

-- Every tag added or removed, with the feature values that decided it.
CREATE TABLE IF NOT EXISTS tag_history
(
    person_id   String,
    ids         Array(String),
    tag         String,
    layer       LowCardinality(String),
    change      LowCardinality(String),
    at          DateTime64(3, 'UTC'),
    reason      String,
    recorded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (person_id, at, tag);

-- Each person's latest profile: ids, traits and features (JSON of the feature vector), health
-- score, as computed at `computed_at` (the clock's now). The newest version wins (FINAL).
-- A person merged into another gets a last row with merged_into set.
CREATE TABLE IF NOT EXISTS person_profiles
(
    person_id   String,
    ids         Array(String),
    features    String,
    -- The tags held now: the processor diffs against them (a primary-key read per person).
    tags        Array(String),
    -- Alert conditions that hold now (e.g. churn, sla:<complaint id>): an alert is raised once, when its condition begins.
    alerts_active Array(String),
    health      Nullable(Float64),
    computed_at DateTime64(3, 'UTC'),
    -- The earliest time a rule that moves with time alone (silent, churn_risk, sla_breached, a
    -- window edge) could change this person's tags: the sweep recomputes the persons past it.
    next_change_at DateTime64(3, 'UTC'),
    merged_into String DEFAULT '',
    version     UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY person_id;

-- Alerts raised (churn early warning, SLA breach), as published on pulse.alerts.<kind>.
CREATE TABLE IF NOT EXISTS alerts
(
    kind        LowCardinality(String),
    person_id   String,
    ids         Array(String),
    at          DateTime64(3, 'UTC'),
    message     String,
    reason      String
)
ENGINE = ReplacingMergeTree
ORDER BY (kind, person_id, at)
