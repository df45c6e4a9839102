-- bench/analytics only: a cold run starts without the engine's caches of marks and blocks (the
-- operating system's file cache stays).
SYSTEM DROP MARK CACHE
