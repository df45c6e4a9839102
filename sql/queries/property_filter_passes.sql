-- Per filter f (filter_props[f], filter_ops[f], its values), 1 when the event's properties
-- (`e.props`, JSON text) pass it (README, "Funnels", filters: types compared as they are, a
-- filter on a missing or other-typed property fails, filter_negate turns the negations around).
-- Included by the analyses that filter events (sql-files.ts, `-- @include`).
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
    range(1, length(filter_ops) + 1))
