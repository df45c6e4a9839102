-- The events a funnel reads (sql/queries/funnel.sql puts this in its walk): the step and exclusion
-- events of [from, read_end] (every event for strict), each with the bits of the steps it matches
-- (its filters applied), of the gaps it is excluded from, its held properties and breakdown value.
SELECT
    e.key_id AS key_id,
    toUnixTimestamp64Milli(e.ts) AS t,
    toUnixTimestamp64Milli(e.received_at) AS received,
    e.source AS src,
    e.message_id AS mid,
    arrayMap(f -> toUInt8(filter_negate[f] != multiIf(
        filter_ops[f] = 'is_set', JSONType(e.props, filter_props[f]) != 'Null',
        filter_ops[f] = 'eq', arrayExists((kind, text, number) -> multiIf(
            kind = 'number', JSONType(e.props, filter_props[f]) IN ('Int64', 'UInt64', 'Double') AND JSONExtractFloat(e.props, filter_props[f]) = number,
            kind = 'string', JSONType(e.props, filter_props[f]) = 'String' AND JSONExtractString(e.props, filter_props[f]) = text,
            JSONType(e.props, filter_props[f]) = 'Bool' AND JSONExtractBool(e.props, filter_props[f]) = (text = 'true')),
            filter_kinds[f], filter_texts[f], filter_numbers[f]),
        filter_ops[f] = 'contains', JSONType(e.props, filter_props[f]) = 'String' AND position(JSONExtractString(e.props, filter_props[f]), filter_texts[f][1]) > 0,
        JSONType(e.props, filter_props[f]) NOT IN ('Int64', 'UInt64', 'Double'), 0,
        filter_ops[f] = 'gt', JSONExtractFloat(e.props, filter_props[f]) > filter_numbers[f][1],
        filter_ops[f] = 'gte', JSONExtractFloat(e.props, filter_props[f]) >= filter_numbers[f][1],
        filter_ops[f] = 'lt', JSONExtractFloat(e.props, filter_props[f]) < filter_numbers[f][1],
        JSONExtractFloat(e.props, filter_props[f]) <= filter_numbers[f][1])),
        range(1, length(filter_ops) + 1)) AS passes,
    -- The steps named by the event, less those whose filters fail on it.
    bitAnd(transform(toString(e.event), step_names, step_name_bits, toUInt32(0)),
        bitNot(toUInt32(arrayReduce('groupBitOr', arrayMap((ok, k) -> if(ok = 1, toUInt32(0), bitShiftLeft(toUInt32(1), k - 1)), passes, filter_steps))))) AS mask,
    transform(toString(e.event), exclusion_names, exclusion_name_bits, toUInt32(0)) AS xmask,
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
