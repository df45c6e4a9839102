-- The analysis copy of `events`: the same events (one row per (source, message_id) after FINAL, the
-- copy received first kept, as in `events`), laid out for per-person, time-ordered reads.
--
-- ORDER BY (key_id, source, message_id): a person's events sit together under each of the ids
-- they are keyed by (models/identity/event-ids.ts keyIdOf; a person is a set of such ids, joined at
-- read time through person_ids because persons merge later), and every copy of an event (SDK
-- retry, JetStream redelivery, replay) has the same key id, source and message id, so it lands on
-- the same sorting key and collapses. `ts` cannot be in the key: a retried copy's corrected time
-- differs by milliseconds. Time order inside a person is made by the reader (a person's events
-- are few).
--
-- No partitioning, so an insert makes one part whatever the times of its batch span and every
-- copy of an event shares the one partition. Partitions by month made a history import (batches
-- spanning many months) write one part per month per insert, and the processor fell behind; the
-- time filter they would have saved is a scan of the `ts` column, a few percent of a funnel's time
-- next to the per-person work (1 M events on a busy 2-core machine: about 40 ms of 1.4 s). A skip index on `ts` would skip
-- nothing: sorted by key id, every granule spans the whole time range of its persons.
--
-- The key id follows keyIdOf: user id, else anonymous id, else distinct id, skipping ids on the
-- blocklist (models/identity/id-blocklist.ts) unless nothing better is there. The raw ids are
-- EPHEMERAL: given by the writers, used only to compute key_id, never stored.
CREATE TABLE IF NOT EXISTS events_by_key
(
    user_id         String EPHEMERAL,
    anonymous_id    String EPHEMERAL,
    distinct_id     String EPHEMERAL,
    key_id          String DEFAULT multiIf(
        trimBoth(user_id, ' \t\n\r\f\v') != '' AND lower(trimBoth(user_id, ' \t\n\r\f\v')) NOT IN ('anonymous', 'guest', 'distinctid', 'distinct_id', 'id', 'not_authenticated', 'email', 'undefined', 'true', 'false', 'null', 'none', 'nan', 'nil', '-1', '0', 'user', 'unknown', 'n/a') AND trimBoth(user_id, ' \t\n\r\f\v') NOT IN ('[object Object]', '00000000-0000-0000-0000-000000000000'), user_id,
        trimBoth(anonymous_id, ' \t\n\r\f\v') != '' AND lower(trimBoth(anonymous_id, ' \t\n\r\f\v')) NOT IN ('anonymous', 'guest', 'distinctid', 'distinct_id', 'id', 'not_authenticated', 'email', 'undefined', 'true', 'false', 'null', 'none', 'nan', 'nil', '-1', '0', 'user', 'unknown', 'n/a') AND trimBoth(anonymous_id, ' \t\n\r\f\v') NOT IN ('[object Object]', '00000000-0000-0000-0000-000000000000'), anonymous_id,
        trimBoth(distinct_id, ' \t\n\r\f\v') != '' AND lower(trimBoth(distinct_id, ' \t\n\r\f\v')) NOT IN ('anonymous', 'guest', 'distinctid', 'distinct_id', 'id', 'not_authenticated', 'email', 'undefined', 'true', 'false', 'null', 'none', 'nan', 'nil', '-1', '0', 'user', 'unknown', 'n/a') AND trimBoth(distinct_id, ' \t\n\r\f\v') NOT IN ('[object Object]', '00000000-0000-0000-0000-000000000000'), distinct_id,
        user_id != '', user_id,
        anonymous_id != '', anonymous_id,
        distinct_id),
    source          LowCardinality(String),
    message_id      String,
    type            LowCardinality(String),
    event           LowCardinality(String),
    ts              DateTime64(3, 'UTC'),
    received_at     DateTime64(3, 'UTC'),
    properties      String,
    -- The version of `events`: the copy received first wins here too.
    first_copy      UInt64
)
ENGINE = ReplacingMergeTree(first_copy)
ORDER BY (key_id, source, message_id);

-- Fed by every insert into `events` (the processor's batches, replays, dead-letter re-submissions).
CREATE MATERIALIZED VIEW IF NOT EXISTS events_by_key_feed TO events_by_key AS
SELECT user_id, anonymous_id, distinct_id, source, message_id, type, event, ts, received_at, properties, first_copy
FROM events;

-- The events stored before this table existed. Run again (a migration interrupted before it was
-- recorded), it inserts copies that collapse like any other.
INSERT INTO events_by_key (user_id, anonymous_id, distinct_id, source, message_id, type, event, ts, received_at, properties, first_copy)
SELECT user_id, anonymous_id, distinct_id, source, message_id, type, event, ts, received_at, properties, first_copy
FROM events FINAL
