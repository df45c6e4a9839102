-- Server mode (CLICKHOUSE_URL): the read-only user the query API logs in as
-- (--clickhouse-read-user pulse_reader --clickhouse-read-password ...). An operator runs this once
-- as an administrator, after replacing the password and, if Pulse uses another database than
-- `pulse` (--clickhouse-database), that name in the GRANT:
--   clickhouse-client --multiquery < sql/operator/create_read_user.sql
-- The limits are CONST (ClickHouse docs, "Constraints on Settings"): a query cannot lift them, and
-- readonly = 1 refuses every other setting change, writes, DDL and the table functions that reach
-- files, URLs or other servers ("Permissions for queries"). Tune the numbers to the server; they
-- mirror Pulse's defaults (--query-timeout-s, --query-max-rows, --query-max-result-bytes,
-- --query-max-memory-bytes, --query-threads: one per core, 2 here).
CREATE SETTINGS PROFILE IF NOT EXISTS pulse_read_profile SETTINGS
    readonly = 1 CONST,
    max_execution_time = 30 CONST,
    timeout_overflow_mode = 'throw' CONST,
    max_result_rows = 100000 CONST,
    max_result_bytes = 104857600 CONST,
    result_overflow_mode = 'throw' CONST,
    max_memory_usage = 2147483648 CONST,
    max_threads = 2 CONST,
    -- Below the server's own work (inserts, merges): reads take the idle cores and yield under
    -- load. Needs CAP_SYS_NICE on the server (a no-op without it).
    os_thread_priority = 19 CONST,
    final = 1 CONST,
    allow_ddl = 0 CONST,
    allow_introspection_functions = 0 CONST;

CREATE USER IF NOT EXISTS pulse_reader
    IDENTIFIED WITH sha256_password BY 'replace-with-a-long-random-password'
    DEFAULT DATABASE pulse
    SETTINGS PROFILE 'pulse_read_profile';

-- SELECT on Pulse's tables and nothing else: no FILE, URL, REMOTE, S3 or other source grants.
GRANT SELECT ON pulse.* TO pulse_reader;
