-- The newest revision of one audience name, deleted or not: the next revision must be above it.
SELECT version, deleted, toUnixTimestamp64Milli(created_at) AS created_at
FROM audiences FINAL
WHERE name = {name:String}
