-- The saved audiences that exist now (the newest revision of each name, unless it deletes it).
SELECT name, definition, toUnixTimestamp64Milli(created_at) AS created_at, toUnixTimestamp64Milli(updated_at) AS updated_at, version
FROM audiences FINAL
WHERE deleted = 0 AND ({name:String} = '' OR name = {name:String})
ORDER BY name
