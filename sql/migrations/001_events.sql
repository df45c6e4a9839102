-- One row per (source, message_id) is the visible contract (README, "What is stored").
-- ReplacingMergeTree keyed on exactly that pair collapses every copy an SDK retry, a JetStream
-- redelivery or a replay may insert; readers add FINAL (or the `final` setting) so a copy not yet
-- merged away is never counted. The version keeps the copy the endpoint received first.
-- The JSON columns keep the default LZ4 codec: ZSTD cost a seventh of the sustained ingest rate
-- (bench/RESULTS.md), paid again on every merge.
CREATE TABLE IF NOT EXISTS events
(
    source          LowCardinality(String),
    message_id      String,
    type            LowCardinality(String),
    event           LowCardinality(String),
    anonymous_id    String,
    user_id         String,
    distinct_id     String,
    group_id        String,
    previous_id     String,
    session_id      String,
    ts              DateTime64(3, 'UTC'),
    original_ts     Nullable(DateTime64(3, 'UTC')),
    sent_at         Nullable(DateTime64(3, 'UTC')),
    received_at     DateTime64(3, 'UTC'),
    properties      String,
    traits          String,
    context         String,
    revenue         Nullable(Float64),
    currency        LowCardinality(String),
    url             String,
    ip              String,
    library         LowCardinality(String),
    library_version LowCardinality(String),
    warnings        Array(LowCardinality(String)),
    stream_seq      UInt64,
    inserted_at     DateTime64(3, 'UTC') DEFAULT now64(3),
    first_copy      UInt64 MATERIALIZED toUInt64(4102444800000) - toUInt64(toUnixTimestamp64Milli(received_at))
)
ENGINE = ReplacingMergeTree(first_copy)
ORDER BY (source, message_id)
