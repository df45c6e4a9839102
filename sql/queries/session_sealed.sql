-- Carries the read session's settings (applied before it) and proves they took.
SELECT getSetting('readonly') AS readonly
