-- The stored tag set and active alert conditions of some persons (a primary-key read each).
SELECT person_id, tags, alerts_active
FROM person_profiles FINAL
WHERE person_id IN {persons:Array(String)}
