-- Persons for whom some rule that changes with time alone (silent, churn risk, SLA breach, a
-- window edge) may have flipped by {now}: their next_change_at has passed.
SELECT person_id
FROM person_profiles FINAL
WHERE next_change_at <= {now:DateTime64(3, 'UTC')} AND merged_into = ''
ORDER BY person_id
