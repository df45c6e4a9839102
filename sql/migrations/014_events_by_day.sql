-- The analysis copy of `events`, laid out so that a read over a time range reads that range only
-- (it replaces events_by_key, which was ordered by key id: every read with FINAL merged the whole
-- table, 20 M rows for a month's funnel). The same events, one row per (source, message_id)
-- after FINAL, the copy received first kept, as in `events`.
--
-- ORDER BY (day, key_id, source, message_id), where `day` is the UTC day of the client's own
-- timestamp (`original_ts`). A copy of an event must land on the same sorting key to collapse, so
-- the key may hold only what every copy shares: an SDK retry re-stamps `sentAt` and arrives at a
-- new receive time, so its corrected `ts` can differ by the transit time and, near midnight, fall
-- on another day; the timestamp the SDK stamped is resent as it was. Replays, redeliveries and
-- dead-letter re-submissions carry the first copy's receive time and are copies in every column.
-- An event the client sent without a timestamp has no time every copy shares: it gets day
-- 1970-01-01, where its rows are read by every range. Not covered: a message id sent again with
-- another timestamp (not a retry: the event was made again), or a PostHog event with only
-- `offset` (its time is the receive time less the offset) resent in another request, whose day
-- differs: each day keeps a row (README, "What is stored").
--
-- Reads filter on `ts` (the analysis time); the minmax index on `ts` skips the granules whose
-- events all lie outside the range. A device whose clock is off puts its events on the day of its
-- clock, where the index still finds them (its granule's `ts` span grows, nothing is missed).
-- With FINAL the engine widens the granules an index keeps to every granule sharing their key
-- range in other parts (use_skip_indexes_if_final_exact_mode, on by default), so a skipped
-- granule never hides the copy that wins.
--
-- Not partitioned: an insert of a history spanning many months stays one part (partitions by
-- month made an import write a part per month per insert and the processor fell behind).
--
-- key_id follows keyIdOf (models/identity/event-ids.ts): user id, else anonymous id, else distinct
-- id, skipping blocklisted ids (models/identity/id-blocklist.ts) unless nothing better is there.
-- The raw ids and the client timestamp are EPHEMERAL: given by the writers, used only to compute
-- key_id and day.
CREATE TABLE IF NOT EXISTS events_by_day
(
    user_id         String EPHEMERAL,
    anonymous_id    String EPHEMERAL,
    distinct_id     String EPHEMERAL,
    original_ts     Nullable(DateTime64(3, 'UTC')) EPHEMERAL,
    key_id          String DEFAULT multiIf(
        trimBoth(user_id, ' \t\n\r\f\v') != '' AND lower(trimBoth(user_id, ' \t\n\r\f\v')) NOT IN ('anonymous', 'guest', 'distinctid', 'distinct_id', 'id', 'not_authenticated', 'email', 'undefined', 'true', 'false', 'null', 'none', 'nan', 'nil', '-1', '0', 'user', 'unknown', 'n/a') AND trimBoth(user_id, ' \t\n\r\f\v') NOT IN ('[object Object]', '00000000-0000-0000-0000-000000000000'), user_id,
        trimBoth(anonymous_id, ' \t\n\r\f\v') != '' AND lower(trimBoth(anonymous_id, ' \t\n\r\f\v')) NOT IN ('anonymous', 'guest', 'distinctid', 'distinct_id', 'id', 'not_authenticated', 'email', 'undefined', 'true', 'false', 'null', 'none', 'nan', 'nil', '-1', '0', 'user', 'unknown', 'n/a') AND trimBoth(anonymous_id, ' \t\n\r\f\v') NOT IN ('[object Object]', '00000000-0000-0000-0000-000000000000'), anonymous_id,
        trimBoth(distinct_id, ' \t\n\r\f\v') != '' AND lower(trimBoth(distinct_id, ' \t\n\r\f\v')) NOT IN ('anonymous', 'guest', 'distinctid', 'distinct_id', 'id', 'not_authenticated', 'email', 'undefined', 'true', 'false', 'null', 'none', 'nan', 'nil', '-1', '0', 'user', 'unknown', 'n/a') AND trimBoth(distinct_id, ' \t\n\r\f\v') NOT IN ('[object Object]', '00000000-0000-0000-0000-000000000000'), distinct_id,
        user_id != '', user_id,
        anonymous_id != '', anonymous_id,
        distinct_id),
    -- Date32: its range is the time columns' (1900-2299); Date would wrap the days outside 1970-2149.
    day             Date32 DEFAULT if(isNull(original_ts), toDate32(0), toDate32(assumeNotNull(original_ts))),
    source          LowCardinality(String),
    message_id      String,
    type            LowCardinality(String),
    event           LowCardinality(String),
    ts              DateTime64(3, 'UTC'),
    received_at     DateTime64(3, 'UTC'),
    properties      String,
    -- The version of `events`: the copy received first wins here too.
    first_copy      UInt64,
    INDEX ts_range ts TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(first_copy)
ORDER BY (day, key_id, source, message_id);

-- Fed by every insert into `events` (the processor's batches, replays, dead-letter re-submissions).
-- Created before the copy below, so an insert running beside this migration reaches the table one
-- way or the other (a row reaching it both ways collapses).
CREATE MATERIALIZED VIEW IF NOT EXISTS events_by_day_feed TO events_by_day AS
SELECT user_id, anonymous_id, distinct_id, original_ts, source, message_id, type, event, ts, received_at, properties, first_copy
FROM events;

DROP VIEW IF EXISTS events_by_key_feed;

-- The events stored before. Run again (a migration interrupted before it was recorded), it inserts
-- copies that collapse like any other.
INSERT INTO events_by_day (user_id, anonymous_id, distinct_id, original_ts, source, message_id, type, event, ts, received_at, properties, first_copy)
SELECT user_id, anonymous_id, distinct_id, original_ts, source, message_id, type, event, ts, received_at, properties, first_copy
FROM events FINAL;

DROP TABLE IF EXISTS events_by_key;
