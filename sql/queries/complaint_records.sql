-- Complaint records: every complaint (a person's complaint id) filed in [{from}, {to}) ms, with its
-- severity, deadline ({major_ms} after filing for `major`, {normal_ms} for any other severity),
-- resolution time and whether it breached its deadline (resolved after it, or open past it at
-- {now}). Read from the feature facts (the configured complaint events), one fact per event.
SELECT
    if(p.person_id != '', p.person_id, concat('p_', substring(lower(hex(SHA256(c.id))), 1, 16))) AS person_id,
    c.complaint_id AS complaint_id,
    c.severity AS severity,
    c.filed_at AS filed_at,
    c.deadline AS deadline,
    c.resolved_at AS resolved_at,
    if(isNull(c.resolved_at), NULL, round((assumeNotNull(c.resolved_at) - c.filed_at) / 3600000, 2)) AS resolution_hours,
    if(isNull(c.resolved_at), {now:Int64} >= c.deadline, assumeNotNull(c.resolved_at) > c.deadline) AS breached
FROM
(
    SELECT
        id,
        f.complaint_id AS complaint_id,
        argMinIf(f.severity, f.ts, f.complaint = 'filed') AS severity,
        minIf(f.ts, f.complaint = 'filed') AS filed_at,
        filed_at + if(lower(trimBoth(severity)) = 'major', {major_ms:Int64}, {normal_ms:Int64}) AS deadline,
        -- A resolution sent before the filing (clocks disagree) counts at the filing time.
        if(isNull(minOrNullIf(f.ts, f.complaint = 'resolved')), NULL, greatest(assumeNotNull(minOrNullIf(f.ts, f.complaint = 'resolved')), filed_at)) AS resolved_at
    FROM (SELECT id, arrayJoin(facts) AS f FROM feature_rollup)
    WHERE f.complaint != '' AND f.complaint_id != ''
    GROUP BY id, complaint_id
    HAVING countIf(f.complaint = 'filed') > 0 AND filed_at >= {from:Int64} AND filed_at < {to:Int64}
) AS c
LEFT JOIN (SELECT id, person_id FROM person_ids FINAL) AS p ON p.id = c.id
ORDER BY filed_at, person_id, complaint_id
LIMIT {limit:UInt32}
