-- bench/tags only: {events} facts for {persons} ids (bench-user-0 ...), spread over the 365 days
-- before {now} (ms): a fifth orders (a third of them with a coupon, an amount, a category and
-- traits), a fifth logins, the rest other activity.
INSERT INTO feature_facts_input (source, message_id, key_id, ts, received_at, flags, detail)
SELECT
    'bench',
    toString(number),
    concat('bench-user-', toString(number % {persons:UInt64})),
    {now:Int64} - toInt64((cityHash64(number) % 365) * 86400000 + cityHash64(number, 1) % 86400000) AS t,
    t,
    multiIf(number % 5 = 0, 1 + 4 + if(number % 3 = 0, 8, 0), number % 5 = 1, 1 + 2, 1),
    if(number % 5 = 0, concat('[', toString(10 + number % 90), ',"coding","search","","","","",null,"north","25-34",""]'), '')
FROM numbers({events:UInt64})
