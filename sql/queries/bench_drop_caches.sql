-- bench/analytics only: a cold run starts without the engine's mark cache (blocks are not cached
-- by default; the operating system's file cache stays).
SYSTEM DROP MARK CACHE
