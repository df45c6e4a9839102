// The one place that reads process.env and command-line flags.
// Every setting has a flag and an environment variable; flags win over the environment,
// the environment wins over the defaults. `pulse serve --help` prints this table.
import { parseTime } from '../models/events/event-time.ts'
import path from 'node:path'
import { KeysFileError, readKeysFile } from './keys/keys-file.ts'
import type { ClickHouseTarget } from '../sql/clickhouse-client.ts'
import { defaultQueryLimits, type QueryLimits } from '../sql/read-path/read-session-settings.ts'
import { numberInRange, rangeText, type NumericRange } from './numeric-range.ts'
import { readFileSync } from 'node:fs'
import { parseProfilesConfig, type ProfilesConfig } from '../models/tags/profiles-config.ts'

/**
 * How long the embedded engine keeps freed memory before handing it back to the system. chdb's
 * allocator (jemalloc, configured by JE_MALLOC_CONF) returns freed pages within seconds by default,
 * so an analyst's next query a few seconds later faults its working memory in again: the month's
 * 5-step funnel run once a second took 0.87-1.27 s with 160-460 ms of system time, and 0.70-0.72 s
 * with 40-55 ms once the pages are kept for a minute (bench/RESULTS.md, "Analytics"). The cost is
 * resident memory: up to the last minute's peak stays mapped (and is reused).
 */
export const ENGINE_ALLOCATOR_CONF = 'dirty_decay_ms:60000,muzzy_decay_ms:60000'

/**
 * Sets JE_MALLOC_CONF unless the operator did. jemalloc reads it once, when chdb's library loads:
 * the `pulse` command calls this before it imports anything that loads chdb (pipelines/pulse.mjs).
 */
export function useEngineAllocatorDefaults(): void {
  if (process.env.JE_MALLOC_CONF === undefined) process.env.JE_MALLOC_CONF = ENGINE_ALLOCATOR_CONF
}

export interface WriteKey {
  key: string
  source: string
}

export interface PulseConfig {
  port: number
  host: string
  dataDir: string
  natsUrl: string | undefined
  clickhouseUrl: string | undefined
  clickhouseUser: string
  clickhousePassword: string
  clickhouseDatabase: string
  writeKeys: WriteKey[]
  readKeys: string[]
  adminKeys: string[]
  keysFile: string
  clickhouseReadUser: string
  clickhouseReadPassword: string
  queryMaxResultBytes: number
  queryMaxMemoryBytes: number
  queryThreads: number
  trustProxy: string[]
  requestTimeoutMs: number
  stream: string
  consumer: string
  streamReplicas: number
  changesStream: string
  changesMaxAgeHours: number
  changesMaxBytes: number
  batchSize: number
  batchAgeMs: number
  batchAgeBehindMs: number
  maxBodyBytes: number
  maxEventBytes: number
  maxStreamBytes: number
  maxBacklog: number
  maxBacklogBytes: number
  streamTrimPercent: number
  maxDeliver: number
  ackWaitMs: number
  shutdownTimeoutMs: number
  queryTimeoutS: number
  queryMaxRows: number
  logLevel: string
  processor: boolean
  ltvPurchaseEvents: string[]
  ltvActivityEvents: string[]
  ltvAmountProperty: string
  ltvUnitDays: number
  ltvHorizon: number
  ltvMonths: number
  ltvDiscount: number
  ltvRefreshMinutes: number
  /** Churn: no activity event and no purchase (or with churnPurchaseOnly, no purchase) in this many days after the scoring time. */
  churnHorizonDays: number
  churnPurchaseOnly: boolean
  /** Fixed "now" (ms) for features, tags and sweeps: backfills, demos, tests; null = the system clock. */
  now: number | null
  /** Profiles config file (JSON: feature event names, tag thresholds, webhooks); '' = defaults. */
  profilesConfig: string
  /** What the profiles config file says, over the defaults. */
  profilesSettings: ProfilesConfig
  profiles: boolean
  tagSweepSeconds: number
  /** Seconds between pushes of the audiences' change sets on pulse.audiences.<name>.changed; 0: none. */
  audiencePushSeconds: number
  faults: FaultConfig
}

/** Faults injected on purpose by the fault tests (README: test-only fault injection); all off by default. */
export interface FaultConfig {
  /** Fail this many ClickHouse event inserts (as an unreachable engine would) before letting them through. */
  failInserts: number
  /** Kill the process (SIGKILL) right after the first insert, before the ack. */
  crashAfterInsert: boolean
  /** The engine answers every insert as unavailable for this long after the first one (0: never). */
  engineOutageMs: number
  /** Every event insert takes this much longer, as on a loaded engine (0: no delay). */
  slowInsertsMs: number
  /** Rows whose message id starts with this are written so that the engine refuses them ('' : none). */
  refuseRowsMatching: string
  /** Processing a request whose body holds this text throws ('' : none). */
  failProcessingMatching: string
  /** A shutdown step that holds the main thread for an hour, as a stuck engine call would. */
  stuckShutdown: boolean
  /** The profile compute fails for any run with a person one of whose ids holds this text ('' : none). */
  failProfileComputeMatching: string
  /** Fail this many stores of tag states (after the history and the publishing) as an unreachable engine would. */
  failTagStateStores: number
}

type Kind = 'int' | 'number' | 'string' | 'list' | 'bool'

export interface OptionSpec {
  key: keyof PulseConfig | `faults.${keyof FaultConfig}`
  flag: string
  env: string
  kind: Kind
  help: string
  default?: string
  /** Allowed range of an int or number option (inclusive; default min 0, no max): --help shows it. */
  min?: number
  max?: number
}

export const optionSpecs: OptionSpec[] = [
  { key: 'port', flag: '--port <n>', env: 'PULSE_PORT', kind: 'int', help: 'HTTP port (0 = any free port)', default: '8080', min: 0, max: 65_535 },
  { key: 'host', flag: '--host <addr>', env: 'PULSE_HOST', kind: 'string', help: 'HTTP listen address', default: '0.0.0.0' },
  { key: 'dataDir', flag: '--data-dir <dir>', env: 'PULSE_DATA_DIR', kind: 'string', help: 'folder for the embedded engines, keys and logs', default: '.pulse' },
  { key: 'natsUrl', flag: '--nats-url <url>', env: 'NATS_URL', kind: 'string', help: 'NATS server(s), comma separated; unset = start an embedded nats-server' },
  { key: 'clickhouseUrl', flag: '--clickhouse-url <url>', env: 'CLICKHOUSE_URL', kind: 'string', help: 'ClickHouse server URL; unset = in-process engine (chdb) in the data folder' },
  { key: 'clickhouseUser', flag: '--clickhouse-user <user>', env: 'CLICKHOUSE_USER', kind: 'string', help: 'ClickHouse user', default: 'default' },
  { key: 'clickhousePassword', flag: '--clickhouse-password <pw>', env: 'CLICKHOUSE_PASSWORD', kind: 'string', help: 'ClickHouse password', default: '' },
  { key: 'clickhouseDatabase', flag: '--clickhouse-database <db>', env: 'CLICKHOUSE_DATABASE', kind: 'string', help: 'ClickHouse database', default: 'pulse' },
  { key: 'writeKeys', flag: '--write-key <key[:source]>', env: 'PULSE_WRITE_KEYS', kind: 'list', help: 'write key, optionally mapped to a source name (repeatable; env: comma separated)' },
  { key: 'readKeys', flag: '--read-key <key>', env: 'PULSE_READ_KEYS', kind: 'list', help: 'read key for the query API (repeatable; env: comma separated)' },
  { key: 'adminKeys', flag: '--admin-key <key>', env: 'PULSE_ADMIN_KEYS', kind: 'list', help: 'admin key: queries, refits and replays (repeatable; env: comma separated)' },
  { key: 'keysFile', flag: '--keys-file <file>', env: 'PULSE_KEYS_FILE', kind: 'string', help: 'file of write/read/admin keys (JSON or lines; mode 600), kept out of ps', default: '' },
  { key: 'clickhouseReadUser', flag: '--clickhouse-read-user <user>', env: 'CLICKHOUSE_READ_USER', kind: 'string', help: 'server mode: read-only ClickHouse user for the query API (sql/operator/create_read_user.sql)', default: '' },
  { key: 'clickhouseReadPassword', flag: '--clickhouse-read-password <pw>', env: 'CLICKHOUSE_READ_PASSWORD', kind: 'string', help: 'password of --clickhouse-read-user', default: '' },
  { key: 'trustProxy', flag: '--trust-proxy <addr>', env: 'PULSE_TRUST_PROXY', kind: 'list', help: 'proxy address or CIDR whose X-Forwarded-For is believed (repeatable; env: comma separated; default none)' },
  { key: 'requestTimeoutMs', flag: '--request-timeout-ms <ms>', env: 'PULSE_REQUEST_TIMEOUT_MS', kind: 'int', help: 'longest a client may take to send a whole request (headers and body); slower sockets are closed', default: '30000', min: 1000, max: 3_600_000 },
  { key: 'stream', flag: '--stream <name>', env: 'PULSE_STREAM', kind: 'string', help: 'JetStream stream name', default: 'EVENTS' },
  { key: 'consumer', flag: '--consumer <name>', env: 'PULSE_CONSUMER', kind: 'string', help: 'durable consumer shared by all processors', default: 'clickhouse-writer' },
  // JetStream keeps at most 5 replicas of a stream.
  { key: 'streamReplicas', flag: '--stream-replicas <n>', env: 'PULSE_STREAM_REPLICAS', kind: 'int', help: 'JetStream replicas of the stream (3 on a NATS cluster)', default: '1', min: 1, max: 5 },
  { key: 'changesStream', flag: '--changes-stream <name>', env: 'PULSE_CHANGES_STREAM', kind: 'string', help: 'JetStream stream of tag changes and alerts (pulse.tags.>, pulse.alerts.>)', default: 'PULSE_CHANGES' },
  { key: 'changesMaxAgeHours', flag: '--changes-max-age-hours <n>', env: 'PULSE_CHANGES_MAX_AGE_HOURS', kind: 'int', help: 'tag changes and alerts older than this leave the changes stream (webhooks not reached by then miss them)', default: '168', min: 1, max: 87_600 },
  { key: 'changesMaxBytes', flag: '--changes-max-bytes <n>', env: 'PULSE_CHANGES_MAX_BYTES', kind: 'int', help: 'size of the changes stream; when full its oldest messages are dropped', default: String(1024 * 1024 * 1024), min: 1024 * 1024 },
  { key: 'batchSize', flag: '--batch-size <n>', env: 'PULSE_BATCH_SIZE', kind: 'int', help: 'events per ClickHouse insert: a batch closes once its processed rows reach this', default: '100000', min: 1, max: 1_000_000 },
  { key: 'batchAgeMs', flag: '--batch-age-ms <ms>', env: 'PULSE_BATCH_AGE_MS', kind: 'int', help: 'longest an event waits before its batch is inserted, while no insert is running and no backlog waits', default: '250', min: 1, max: 600_000 },
  { key: 'batchAgeBehindMs', flag: '--batch-age-behind-ms <ms>', env: 'PULSE_BATCH_AGE_BEHIND_MS', kind: 'int', help: 'while a backlog waits in the stream (more requests than one pull of 300), a batch keeps filling up to this age or --batch-size: fewer, larger inserts catch up faster (a batch also keeps filling while the insert before it runs)', default: '2000', min: 1, max: 600_000 },
  { key: 'maxBodyBytes', flag: '--max-body-bytes <n>', env: 'PULSE_MAX_BODY_BYTES', kind: 'int', help: 'largest request body, after gunzip (413 above); a request is one NATS message, and NATS takes at most 64 MiB', default: String(5 * 1024 * 1024), min: 1024, max: 64 * 1024 * 1024 - 64 * 1024 },
  { key: 'maxEventBytes', flag: '--max-event-bytes <n>', env: 'PULSE_MAX_EVENT_BYTES', kind: 'int', help: 'largest single event (Segment: 32 KB); larger ones are dead-lettered', default: String(32 * 1024), min: 256, max: 1_073_741_824 },
  // At least four of the largest requests (64 MiB): a request the stream could never hold would get 429 forever.
  { key: 'maxStreamBytes', flag: '--max-stream-bytes <n>', env: 'PULSE_MAX_STREAM_BYTES', kind: 'int', help: 'JetStream stream size; when full it refuses new requests (429), it never drops unprocessed ones', default: String(10 * 1024 * 1024 * 1024), min: 256 * 1024 * 1024 },
  { key: 'streamTrimPercent', flag: '--stream-trim-percent <n>', env: 'PULSE_STREAM_TRIM_PERCENT', kind: 'int', help: 'above this fill of --max-stream-bytes, processed requests are purged (oldest first) down to 3/4 of it; the rest is the replay window', default: '80', min: 1, max: 100 },
  { key: 'maxBacklog', flag: '--max-backlog <n>', env: 'PULSE_MAX_BACKLOG', kind: 'int', help: 'requests waiting for the processors; above it ingest answers 429', default: '100000', min: 1 },
  { key: 'maxBacklogBytes', flag: '--max-backlog-bytes <n>', env: 'PULSE_MAX_BACKLOG_BYTES', kind: 'int', help: 'estimated bytes of requests waiting for the processors; above it ingest answers 429 (0 = half of --max-stream-bytes)', default: '0' },
  { key: 'ackWaitMs', flag: '--ack-wait-ms <ms>', env: 'PULSE_ACK_WAIT_MS', kind: 'int', help: 'a request delivered to a processor that dies is redelivered after this long (longer than the slowest insert)', default: '60000', min: 1000, max: 3_600_000 },
  { key: 'maxDeliver', flag: '--max-deliver <n>', env: 'PULSE_MAX_DELIVER', kind: 'int', help: 'deliveries of a message before it goes to dead_letters whole', default: '20', min: 1, max: 1000 },
  { key: 'shutdownTimeoutMs', flag: '--shutdown-timeout-ms <ms>', env: 'PULSE_SHUTDOWN_TIMEOUT_MS', kind: 'int', help: 'longest a graceful shutdown may take', default: '10000', min: 1, max: 3_600_000 },
  { key: 'queryTimeoutS', flag: '--query-timeout-s <s>', env: 'PULSE_QUERY_TIMEOUT_S', kind: 'int', help: 'time limit of one query API call', default: '30', min: 1, max: 86_400 },
  { key: 'queryMaxRows', flag: '--query-max-rows <n>', env: 'PULSE_QUERY_MAX_ROWS', kind: 'int', help: 'row limit of one query API result', default: '100000', min: 1, max: 1_000_000_000 },
  { key: 'queryMaxResultBytes', flag: '--query-max-result-bytes <n>', env: 'PULSE_QUERY_MAX_RESULT_BYTES', kind: 'int', help: 'byte limit of one query API result (uncompressed)', default: String(100 * 1024 * 1024), min: 1024 },
  { key: 'queryMaxMemoryBytes', flag: '--query-max-memory-bytes <n>', env: 'PULSE_QUERY_MAX_MEMORY_BYTES', kind: 'int', help: 'memory one query API call may use', default: String(2 * 1024 ** 3), min: 16 * 1024 * 1024 },
  { key: 'queryThreads', flag: '--query-threads <n>', env: 'PULSE_QUERY_THREADS', kind: 'int', help: 'threads one query API call or analysis may use (default: one per core); they run at nice 19, below ingest', default: String(defaultQueryLimits.threads), min: 1, max: 256 },
  { key: 'logLevel', flag: '--log-level <level>', env: 'PULSE_LOG_LEVEL', kind: 'string', help: 'pino log level', default: 'info' },
  { key: 'ltvPurchaseEvents', flag: '--ltv-purchase-event <name>', env: 'PULSE_LTV_PURCHASE_EVENTS', kind: 'list', help: 'event names that count as purchases for the value models; their revenue is the amount (repeatable; env: comma separated)', default: 'Order Completed' },
  { key: 'ltvAmountProperty', flag: '--ltv-amount-property <name>', env: 'PULSE_LTV_AMOUNT_PROPERTY', kind: 'string', help: 'property of a purchase event that holds its amount (default: the revenue column, from revenue / total / value)', default: '' },
  { key: 'ltvActivityEvents', flag: '--ltv-activity-event <name>', env: 'PULSE_LTV_ACTIVITY_EVENTS', kind: 'list', help: 'event names that show a customer is active (with purchases): 30 days without any -> churn risk (repeatable; env: comma separated)', default: 'Logged In' },
  { key: 'ltvUnitDays', flag: '--ltv-unit-days <n>', env: 'PULSE_LTV_UNIT_DAYS', kind: 'int', help: 'days per time unit of the value models (7: weeks)', default: '7', min: 1, max: 365 },
  { key: 'ltvHorizon', flag: '--ltv-horizon <n>', env: 'PULSE_LTV_HORIZON', kind: 'int', help: 'time units ahead for expected purchases', default: '52', min: 1, max: 5200 },
  { key: 'ltvMonths', flag: '--ltv-months <n>', env: 'PULSE_LTV_MONTHS', kind: 'int', help: 'months of discounted CLV', default: '12', min: 1, max: 1200 },
  { key: 'ltvDiscount', flag: '--ltv-discount <rate>', env: 'PULSE_LTV_DISCOUNT', kind: 'number', help: 'monthly discount rate of CLV', default: '0.01', min: 0, max: 1 },
  // setInterval's longest delay is 2^31 - 1 ms (24.8 days); longer ones fire at once.
  { key: 'ltvRefreshMinutes', flag: '--ltv-refresh-minutes <n>', env: 'PULSE_LTV_REFRESH_MINUTES', kind: 'int', help: 'refit the value models every N minutes (0: only on demand)', default: '60', min: 0, max: 35_791 },
  { key: 'churnHorizonDays', flag: '--churn-horizon-days <n>', env: 'PULSE_CHURN_HORIZON_DAYS', kind: 'int', help: 'the churn model refitted after each value fit: churn = no activity event and no purchase in the N days after the scoring time', default: '30', min: 1, max: 365 },
  { key: 'churnPurchaseOnly', flag: '--churn-purchase-only', env: 'PULSE_CHURN_PURCHASE_ONLY', kind: 'bool', help: 'churn = no purchase in the horizon, activity events ignored (transaction businesses; env: 1)', default: 'false' },
  { key: 'now', flag: '--now <time>', env: 'PULSE_NOW', kind: 'string', help: 'fix "now" for features, tags, sweeps and the incomplete flags of funnels, retention and lifecycle (ISO-8601 with a zone, e.g. 2026-01-31T12:00:00Z): backfills, demos and tests; unset = the system clock', default: '' },
  { key: 'profilesConfig', flag: '--profiles-config <file>', env: 'PULSE_PROFILES_CONFIG', kind: 'string', help: 'profiles config file (JSON): the events features read, tag thresholds, webhooks (README: Customer profiles and tags)', default: '' },
  { key: 'tagSweepSeconds', flag: '--tag-sweep-seconds <s>', env: 'PULSE_TAG_SWEEP_SECONDS', kind: 'int', help: 'apply the tag changes that come with time alone (silent, churn risk, SLA breaches, sliding windows) every N seconds (0: only on POST /api/tags/refresh)', default: '60', min: 0, max: 86_400 },
  { key: 'audiencePushSeconds', flag: '--audience-push-seconds <s>', env: 'PULSE_AUDIENCE_PUSH_SECONDS', kind: 'int', help: 'publish each saved audience\'s change set (who joined, who left) on pulse.audiences.<name>.changed every N seconds, for webhooks (0: never)', default: '60', min: 0, max: 86_400 },
  { key: 'profiles', flag: '--no-profiles', env: 'PULSE_PROFILES', kind: 'bool', help: 'do not keep persons, features and tags current in this process (env: 0)', default: 'true' },
  { key: 'processor', flag: '--no-processor', env: 'PULSE_PROCESSOR', kind: 'bool', help: 'do not run the stream processor in this process (ingest and query only; env: 0)', default: 'true' },
  { key: 'faults.failInserts', flag: '--fault-fail-inserts <n>', env: 'PULSE_FAULT_FAIL_INSERTS', kind: 'int', help: 'test only: the first N event inserts fail as if the engine were unreachable', default: '0' },
  { key: 'faults.crashAfterInsert', flag: '--fault-crash-after-insert', env: 'PULSE_FAULT_CRASH_AFTER_INSERT', kind: 'bool', help: 'test only: kill the process right after the first insert, before its ack (env: 1)', default: 'false' },
  { key: 'faults.engineOutageMs', flag: '--fault-engine-outage-ms <ms>', env: 'PULSE_FAULT_ENGINE_OUTAGE_MS', kind: 'int', help: 'test only: every insert fails as if the engine were unreachable for this long after the first one', default: '0' },
  { key: 'faults.slowInsertsMs', flag: '--fault-slow-inserts-ms <ms>', env: 'PULSE_FAULT_SLOW_INSERTS_MS', kind: 'int', help: 'test only: every event insert takes this much longer, as on a loaded engine', default: '0' },
  { key: 'faults.stuckShutdown', flag: '--fault-stuck-shutdown', env: 'PULSE_FAULT_STUCK_SHUTDOWN', kind: 'bool', help: 'test only: a shutdown step holds the main thread for an hour, as a stuck engine call would (env: 1)', default: 'false' },
  { key: 'faults.failProcessingMatching', flag: '--fault-fail-processing-matching <text>', env: 'PULSE_FAULT_FAIL_PROCESSING_MATCHING', kind: 'string', help: 'test only: processing a request whose body holds this text throws', default: '' },
  { key: 'faults.failProfileComputeMatching', flag: '--fault-fail-profile-compute-matching <text>', env: 'PULSE_FAULT_FAIL_PROFILE_COMPUTE_MATCHING', kind: 'string', help: 'test only: the profile compute fails for any run with a person one of whose ids holds this text', default: '' },
  { key: 'faults.failTagStateStores', flag: '--fault-fail-tag-state-stores <n>', env: 'PULSE_FAULT_FAIL_TAG_STATE_STORES', kind: 'int', help: 'test only: the first N stores of tag states by the processor, and the first N by funnel saves, fail as if the engine were unreachable', default: '0' },
  { key: 'faults.refuseRowsMatching', flag: '--fault-refuse-rows-matching <prefix>', env: 'PULSE_FAULT_REFUSE_ROWS_MATCHING', kind: 'string', help: 'test only: rows whose message id starts with this are encoded so that the engine refuses them', default: '' },
]

/** Raw values as commander hands them over: flag name (camelCase) -> value. */
export type FlagValues = Record<string, unknown>

export class ConfigError extends Error {}

/** The range of an int or number option, from its spec. */
export function rangeOf(spec: OptionSpec): NumericRange {
  return { integer: spec.kind === 'int', min: spec.min ?? 0, max: spec.max ?? Infinity }
}

function parseValue(spec: OptionSpec, raw: unknown): unknown {
  if (raw === undefined) return undefined
  switch (spec.kind) {
    case 'int':
    case 'number': {
      const n = numberInRange(raw, rangeOf(spec))
      if (n === undefined) throw new ConfigError(`${spec.flag.split(' ')[0]} / ${spec.env} must be ${rangeText(rangeOf(spec))}, got "${raw}"`)
      return n
    }
    case 'bool':
      return typeof raw === 'boolean' ? raw : !['0', 'false', 'no', 'off'].includes(String(raw).toLowerCase())
    case 'list':
      return (Array.isArray(raw) ? raw : String(raw).split(',')).map((s) => String(s).trim()).filter(Boolean)
    default:
      return String(raw)
  }
}

function parseWriteKey(entry: string): WriteKey {
  const i = entry.indexOf(':')
  const key = i < 0 ? entry : entry.slice(0, i)
  const source = i < 0 ? 'default' : entry.slice(i + 1)
  if (!key) throw new ConfigError(`write key "${entry}" is empty: use --write-key KEY or --write-key KEY:SOURCE`)
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(source)) {
    throw new ConfigError(`source name "${source}" of write key ${key} may only hold letters, digits, "_" and "-"`)
  }
  return { key, source }
}

/** The property commander stores a flag under: `--write-key` -> writeKey, `--no-processor` -> processor. */
export function flagAttribute(spec: OptionSpec): string {
  const long = spec.flag.split(' ')[0].replace(/^--(no-)?/, '')
  return long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
}

/**
 * A key has one role: a write key ships inside apps and browsers, so one that also reads would
 * open every stored event to anyone who looks at an app's code.
 */
function refuseSharedKeys(write: string[], read: string[], admin: string[]): void {
  const roles = new Map<string, Set<string>>()
  for (const [role, list] of [['write', write], ['read', read], ['admin', admin]] as const) {
    for (const key of list) roles.set(key, (roles.get(key) ?? new Set()).add(role))
  }
  for (const [key, of] of roles) {
    if (of.size > 1) throw new ConfigError(`the key ${key.slice(0, 6)}… is given as a ${[...of].join(' and a ').replace('a admin', 'an admin')} key: give each role its own key`)
  }
}

// A time without a zone would be read in the machine's zone: two machines would disagree on "now".
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/

/** The profiles config file over the defaults; every mistake in it named in one message. */
function profilesSettingsFrom(file: string): ProfilesConfig {
  let json: unknown = {}
  if (file !== '') {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      throw new ConfigError(`--profiles-config ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): give the path of a JSON file`)
    }
    try {
      json = JSON.parse(text)
    } catch (e) {
      throw new ConfigError(`--profiles-config ${file} is not valid JSON (${(e as Error).message}): fix it, or start from the example in the README`)
    }
  }
  const parsed = parseProfilesConfig(json)
  if (!parsed.ok) throw new ConfigError(`--profiles-config ${file}:\n  ${parsed.errors.join('\n  ')}`)
  return parsed.config
}

function fixedNow(text: string): number | null {
  if (text === '') return null
  // parseTime refuses a day or an hour that does not exist (2026-02-30), which Date.parse rolls over.
  const ms = ISO_WITH_ZONE.test(text) ? (parseTime(text) ?? NaN) : NaN
  if (!Number.isFinite(ms)) throw new ConfigError(`--now / PULSE_NOW must be an ISO-8601 time that exists, with a zone, e.g. 2026-01-31T12:00:00Z, got "${text}"`)
  return ms
}

/** Builds the config from flags (already parsed by commander) and the environment. */
export function loadConfig(flags: FlagValues = {}, env: NodeJS.ProcessEnv = process.env): PulseConfig {
  const out: Record<string, unknown> = {}
  for (const spec of optionSpecs) {
    const fromFlag = flags[flagAttribute(spec)]
    // commander's --no-processor yields processor=true by default; only the env can override that default.
    const negatedDefault = spec.flag.startsWith('--no-') && fromFlag === true && env[spec.env] !== undefined
    const flagGiven = fromFlag !== undefined && !negatedDefault
    const raw = flagGiven ? fromFlag : env[spec.env] !== undefined && env[spec.env] !== '' ? env[spec.env] : spec.default
    out[spec.key] = parseValue(spec, raw)
  }
  const keys = { write: (out.writeKeys as string[] | undefined) ?? [], read: (out.readKeys as string[] | undefined) ?? [], admin: (out.adminKeys as string[] | undefined) ?? [] }
  if (out.keysFile) {
    try {
      const fromFile = readKeysFile(String(out.keysFile))
      keys.write = [...keys.write, ...fromFile.write]
      keys.read = [...keys.read, ...fromFile.read]
      keys.admin = [...keys.admin, ...fromFile.admin]
    } catch (e) {
      if (e instanceof KeysFileError) throw new ConfigError(e.message)
      throw e
    }
  }
  const writeKeys = keys.write.map(parseWriteKey)
  refuseSharedKeys(writeKeys.map((k) => k.key), keys.read, keys.admin)
  const now = fixedNow(String(out.now ?? ''))
  const profilesSettings = profilesSettingsFrom(String(out.profilesConfig ?? ''))
  const faults: Record<string, unknown> = {}
  for (const key of Object.keys(out)) {
    if (!key.startsWith('faults.')) continue
    faults[key.slice('faults.'.length)] = out[key]
    delete out[key]
  }
  return {
    ...(out as unknown as PulseConfig),
    dataDir: path.resolve(String(out.dataDir)),
    writeKeys,
    readKeys: keys.read,
    adminKeys: keys.admin,
    trustProxy: (out.trustProxy as string[] | undefined) ?? [],
    now,
    profilesSettings,
    faults: faults as unknown as FaultConfig,
  }
}

/** The same config for code that starts Pulse programmatically (tests, demo, benchmarks). */
export function configFor(overrides: Partial<PulseConfig>, env: NodeJS.ProcessEnv = {}): PulseConfig {
  return { ...loadConfig({}, env), ...overrides }
}

/** The limits sealed into the read session of the query API. */
export function queryLimits(config: PulseConfig): QueryLimits {
  return { timeoutS: config.queryTimeoutS, maxRows: config.queryMaxRows, maxResultBytes: config.queryMaxResultBytes, maxMemoryBytes: config.queryMaxMemoryBytes, threads: config.queryThreads }
}

/** Where ClickHouse is for this config: a server, or the embedded engine in the data folder. */
export function clickHouseTarget(config: PulseConfig): ClickHouseTarget {
  return {
    url: config.clickhouseUrl,
    user: config.clickhouseUser,
    password: config.clickhousePassword,
    database: config.clickhouseDatabase,
    embeddedPath: path.join(config.dataDir, 'clickhouse'),
    readUser: config.clickhouseReadUser || undefined,
    readPassword: config.clickhouseReadPassword,
    readLimits: queryLimits(config),
  }
}

/** The current environment, for the CLI entry only. */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env
}
