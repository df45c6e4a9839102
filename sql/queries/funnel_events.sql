-- The events a funnel reads (sql/queries/funnel.sql puts this in its walk): the step and exclusion
-- events of [from, read_end] (every event for strict), each with the bits of the steps it matches
-- (its filters applied), of the gaps it is excluded from, its held properties and breakdown value.
SELECT
    e.key_id AS key_id, e.t AS t, e.received AS received, e.tie AS tie,
    -- The steps named by the event, less those whose filters fail on it.
    bitAnd(transform(toString(e.event), step_names, step_name_bits, toUInt32(0)),
        bitNot(toUInt32(arrayReduce('groupBitOr', arrayMap((ok, k) -> if(ok = 1, toUInt32(0), bitShiftLeft(toUInt32(1), k - 1)), e.passes, filter_steps))))) AS mask,
    transform(toString(e.event), exclusion_names, exclusion_name_bits, toUInt32(0)) AS xmask,
    e.held AS held,
    e.bval AS bval
FROM
(
    -- The filters' verdicts in a layer of their own: the mask above reads them as a column, so the
    -- engine analyses the (large) filter expression once (sql/queries/funnel_walk_greedy.sql).
    SELECT
        e.key_id AS key_id,
        e.event AS event,
        toUnixTimestamp64Milli(e.ts) AS t,
        toUnixTimestamp64Milli(e.received_at) AS received,
        cityHash64(e.source, e.message_id) AS tie,
        -- @filter_passes (sql-files.ts withFilterPasses)
        AS passes,
        arrayMap(h -> JSONExtractRaw(e.props, h), held_props) AS held,
        if(breakdown_prop = '' OR JSONType(e.props, breakdown_prop) = 'Null', CAST(NULL AS Nullable(String)),
            if(JSONType(e.props, breakdown_prop) = 'String', JSONExtractString(e.props, breakdown_prop), JSONExtractRaw(e.props, breakdown_prop))) AS bval
    FROM
    (
        SELECT key_id, source, message_id, event, ts, received_at,
            -- Without filters, held properties or a breakdown the (large) properties column is not read
            -- at all: the condition is a constant, so the engine drops the column from the read.
            if(empty(filter_ops) AND empty(held_props) AND breakdown_prop = '', '{}', properties) AS props
        FROM events_by_day FINAL
        WHERE ts >= fromUnixTimestamp64Milli(from_ms, 'UTC') AND ts <= fromUnixTimestamp64Milli(read_end_ms, 'UTC') AND key_id != ''
            -- strict: every event of the person counts for "the very next event".
            AND (strict OR event IN step_events OR event IN exclusion_events)
    ) AS e
) AS e
