-- Dashboards: persons per 10-point band of their latest health score (0-9, ..., 90-100), persons
-- merged into another and persons without a score left out.
SELECT least(toUInt32(floor(assumeNotNull(health) / 10)), 9) AS bin, bin * 10 AS health_from, count() AS persons
FROM person_profiles FINAL
WHERE merged_into = '' AND isNotNull(health)
GROUP BY bin
ORDER BY bin
