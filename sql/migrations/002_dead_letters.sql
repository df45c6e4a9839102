-- Every event or request that could not be stored, with the reason a person reads and the bytes.
-- Keyed on the JetStream sequence and the event's position in that message, so reprocessing the
-- same message (redelivery, replay) collapses to one row as in `events`.
CREATE TABLE IF NOT EXISTS dead_letters
(
    source      LowCardinality(String),
    reason      LowCardinality(String),
    detail      String,
    message_id  String,
    raw         String CODEC(ZSTD(3)),
    received_at DateTime64(3, 'UTC'),
    stream_seq  UInt64,
    position    UInt32,
    inserted_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (received_at, stream_seq, position)
