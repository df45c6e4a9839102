-- Saved audiences: one row per (name, revision), the newest revision wins (read with FINAL); a
-- deleted audience keeps a last row with deleted = 1, so a later create starts a new revision.
CREATE TABLE IF NOT EXISTS audiences
(
    name        String,
    -- JSON: the definition as it was posted (models/tags/audience-definition.ts).
    definition  String,
    created_at  DateTime64(3, 'UTC'),
    updated_at  DateTime64(3, 'UTC'),
    version     UInt64,
    deleted     UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(version)
ORDER BY name;

-- Each audience's membership as a log of moves, written by change-set syncs only: at sync `seq`,
-- the persons who became members (joined = 1) or stopped being members (joined = 0) since the
-- audience's previous sync. A person's membership at sync s is its last move at or before s, so
-- any two syncs compare exactly, and the log grows with the moves, not with the syncs.
CREATE TABLE IF NOT EXISTS audience_moves
(
    audience    String,
    seq         UInt64,
    person_id   String,
    joined      UInt8
)
ENGINE = MergeTree
ORDER BY (audience, person_id, seq);

-- One row per sync, written after its moves: a cursor names a sync that is here, so its moves are
-- complete. pushed = 1: a change set published for webhooks (the next push starts from the last one).
CREATE TABLE IF NOT EXISTS audience_syncs
(
    audience    String,
    seq         UInt64,
    taken_at    DateTime64(3, 'UTC'),
    members     UInt64,
    pushed      UInt8 DEFAULT 0
)
ENGINE = MergeTree
ORDER BY (audience, seq)
