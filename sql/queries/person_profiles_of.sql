-- The stored tag set, active alert conditions and version of some persons (a primary-key read each).
SELECT person_id, tags, alerts_active, version
FROM person_profiles FINAL
WHERE person_id IN {persons:Array(String)}
