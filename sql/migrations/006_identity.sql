-- Each id's person. The processor holds the graph in memory and loads it from here at start: one
-- row per id after FINAL, read in id order page by page (the sort key doubles as the paging key).
-- A later assignment has a higher version (the graph's counter, always above every stored one,
-- whatever the clock says), so it replaces an earlier one even across restarts.
CREATE TABLE IF NOT EXISTS person_ids
(
    id                  String,
    person_id           String,
    -- 1 when this id arrived as a user id; a person is identified when any of its ids is, so
    -- a person becoming identified rewrites one row, not all of its ids.
    identified          UInt8,
    -- When the person was created (the same on every row of a person): a merge of two anonymous
    -- persons keeps the older, also after a reload.
    person_created_at   DateTime64(3, 'UTC'),
    version             UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- Every link an identify / alias event asked for, with what came of it. Keyed by the event, so a
-- redelivered event collapses into one row; outcome_rank is 0 only for already_linked, so the
-- replay of an event whose link was applied before (it now finds its ids linked) never hides
-- the first outcome.
CREATE TABLE IF NOT EXISTS identity_links
(
    source          String,
    message_id      String,
    kind            LowCardinality(String),
    from_id         String,
    to_id           String,
    ts              DateTime64(3, 'UTC'),
    outcome         LowCardinality(String),
    -- Why a link was refused (a blocklisted id, two identified persons), else ''.
    reason          String,
    -- The person the ids belong to after the batch (the to_id's when refused).
    person_id       String,
    outcome_rank    UInt8,
    recorded_at     DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(outcome_rank)
ORDER BY (source, message_id);

-- Every merge of two persons with the event that caused it: where a person id that no longer
-- exists went (a profile or tag history keyed by it is read through into_person). Keyed by the
-- cause and the merged-away person, so a redelivered batch collapses.
CREATE TABLE IF NOT EXISTS person_merges
(
    from_person     String,
    into_person     String,
    source          String,
    message_id      String,
    kind            LowCardinality(String),
    at              DateTime64(3, 'UTC'),
    ids_moved       UInt32
)
ENGINE = ReplacingMergeTree
ORDER BY (source, message_id, from_person)
