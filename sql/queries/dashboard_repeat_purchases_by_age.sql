-- Dashboards: customers of the current value fit per (age T, repeat purchases capped at {top}),
-- for the BG/NBD calibration chart (observed against expected customers per repeat count).
SELECT age, least(toUInt32(frequency), {top:UInt32}) AS repeats, count() AS customers
FROM current_customer_scores
GROUP BY age, repeats
ORDER BY age, repeats
