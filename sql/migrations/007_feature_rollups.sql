-- Rolling-feature facts (models/tags/event-facts.ts): the processor inserts each batch's facts
-- into feature_facts_input (a Null table: nothing is kept there), and feature_rollup_mv files them
-- into feature_rollup, one row per (key id, day of the event) once merged.
-- Copies of one event cannot count twice: a JetStream redelivery or a replay of the stream makes
-- the same fact again, byte for byte, and the only state is a set (groupUniqArrayArray) whose
-- elements are whole facts keyed by cityHash64(source, message_id): merges keep a copy once, and
-- the reader takes the same set union over parts not merged yet. Copies that differ (an SDK retry
-- re-stamped with a new sent_at, so a slightly different corrected time) are collapsed by the
-- reader, which keeps one fact per hash: the one received first, as the events table does
-- (sql/queries/person_features.sql). A plain array column rather than a groupUniqArray state:
-- merges copy it as it is unless two parts hold the same (id, day), and the insert needs no
-- GROUP BY.
-- Each fact keeps its exact time, so windows such as (now - 7 d, now] are exact, not whole days.
-- The input is slim because parsing it is most of what a facts insert costs: most facts carry
-- nothing past their flags, and the rest carry their details as one JSON array.
CREATE TABLE IF NOT EXISTS feature_facts_input
(
    source      String,
    message_id  String,
    key_id      String,
    -- ms since epoch: event time (clock-skew corrected) and receive time.
    ts          Int64,
    received_at Int64,
    -- Bits: 1 activity, 2 login, 4 order, 8 coupon, 16 enquiry.
    flags       UInt8,
    -- '' or [amount, category, channel, complaint ('filed' / 'resolved' / ''), complaint_id,
    -- severity, topic, nps or null, region, age_band, plan].
    detail      String
)
ENGINE = Null;

CREATE TABLE IF NOT EXISTS feature_rollup
(
    id    String,
    day   Date32,
    facts SimpleAggregateFunction(groupUniqArrayArray, Array(Tuple(h UInt64, ts Int64, received_at Int64, activity UInt8, login UInt8,
        is_order UInt8, amount Float64, coupon UInt8, category String, channel String, complaint String, complaint_id String,
        severity String, enquiry UInt8, topic String, nps Nullable(Float64), region String, age_band String, plan String)))
)
ENGINE = AggregatingMergeTree
ORDER BY (id, day);

CREATE MATERIALIZED VIEW IF NOT EXISTS feature_rollup_mv TO feature_rollup AS
WITH JSONExtract(detail, 'Tuple(Float64, String, String, String, String, String, String, Nullable(Float64), String, String, String)') AS d
SELECT
    key_id AS id,
    toDate32(fromUnixTimestamp64Milli(ts, 'UTC')) AS day,
    [CAST((cityHash64(source, message_id), ts, received_at, bitTest(flags, 0), bitTest(flags, 1), bitTest(flags, 2), d.1, bitTest(flags, 3),
        d.2, d.3, d.4, d.5, d.6, bitTest(flags, 4), d.7, d.8, d.9, d.10, d.11),
        'Tuple(h UInt64, ts Int64, received_at Int64, activity UInt8, login UInt8, is_order UInt8, amount Float64, coupon UInt8, category String, channel String, complaint String, complaint_id String, severity String, enquiry UInt8, topic String, nps Nullable(Float64), region String, age_band String, plan String)')] AS facts
FROM feature_facts_input
