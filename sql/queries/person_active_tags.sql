-- The tags a person holds now, with when each began and the feature values that decided it.
SELECT tag, layer, toUnixTimestamp64Milli(since) AS since, reason
FROM person_tags FINAL
WHERE person_id = {person:String} AND active = 1
ORDER BY tag
