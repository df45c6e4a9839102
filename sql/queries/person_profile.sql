-- A person's latest stored profile; no row before the person was first profiled.
SELECT arraySort(ids) AS ids, health, toUnixTimestamp64Milli(computed_at) AS computed_at
FROM person_profiles FINAL
WHERE person_id = {person:String}
