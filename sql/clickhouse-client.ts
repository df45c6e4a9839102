// The ClickHouse client factory: a server when a URL is given, else the in-process engine (chdb)
// behind the same @clickhouse/client API. Only the composition root and the CLI commands that
// work on a data folder call it: chdb holds one engine and one data folder per process.
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { drainPending } from 'chdb'
import { readFile, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { createChdbConnection, type ChdbConnection } from 'chdb/connection'
import path from 'node:path'
import { ReplacingReadSession } from './read-path/read-session.ts'
import { ReadSessionPool } from './read-path/read-session-pool.ts'
import { analysisClient } from './read-path/analysis-session.ts'
import { storedParamsFit } from './read-path/stored-param-fit.ts'
import { openSpoolFolder } from './spool-folder.ts'
import { defaultQueryLimits, readSessionSettings, type QueryLimits } from './read-path/read-session-settings.ts'
import { fileInsertStatement } from './file-insert-statement.ts'
import { query } from './sql-files.ts'

export interface ClickHouseTarget {
  url?: string
  user: string
  password: string
  database: string
  /** Folder of the embedded engine, used when `url` is unset. */
  embeddedPath: string
  /** Server mode: the read-only user of sql/operator/create_read_user.sql that analyst queries run as. */
  readUser?: string
  readPassword?: string
  /** Embedded mode: the limits sealed into the read session. */
  readLimits?: QueryLimits
}

export interface ClickHouse {
  client: ClickHouseClient
  /**
   * For analyst queries. Embedded: a second session on the same folder, sealed read-only with its
   * limits when it opens (read-session-settings.ts). Server: logged in as the read-only user, whose
   * settings profile holds the limits; null when no read user is configured.
   */
  readClient: ClickHouseClient | null
  /**
   * For Pulse's analyses (funnels, retention, lifecycle, paths, stickiness). Embedded: a third
   * session, sealed like the read session, whose statements bind no parameters
   * (read-path/analysis-session.ts), so an analysis runs beside the other reads and inserts
   * instead of holding them. Server: the read client.
   */
  analysisClient: ClickHouseClient | null
  /** Inserts rows already encoded as TabSeparated in `target`'s column order; a spooled file is removed afterwards. */
  insertTabSeparated(target: TabSeparatedTarget, rows: EncodedRows): Promise<void>
  /**
   * A fresh file path for a batch's encoded rows when the engine reads them from a file (the
   * embedded one), null when they go as a request body (a server).
   */
  spoolFile(): string | null
  embedded: boolean
  database: string
  /**
   * Another writing session for work that should not queue behind the event inserts: the embedded
   * engine runs one statement at a time per session and a second session runs beside it (but chdb
   * 3.4's Node binding runs statements with bound parameters one at a time across all sessions);
   * a server's client already runs requests side by side, so it is the same client there.
   */
  writeSession(): Promise<ClickHouseWriter>
  close(): Promise<void>
}

export type ClickHouseWriter = Pick<ClickHouse, 'client' | 'insertTabSeparated'>

export interface TabSeparatedTarget {
  table: string
  columns: readonly string[]
  /** sql/queries statement that inserts the same columns from file({path:String}) (embedded engine). */
  fileStatement: string
  /** The file statement's SETTINGS clause, which the server-mode insert sends too (a test holds the two equal). */
  settings?: Readonly<Record<string, number>>
}

/** TabSeparated rows, in memory or in a spooled file. */
export type EncodedRows = { bytes: Uint8Array } | { file: string }

async function bytesOf(rows: EncodedRows): Promise<Uint8Array> {
  if ('bytes' in rows) return rows.bytes
  try {
    return await readFile(rows.file)
  } finally {
    await rm(rows.file, { force: true })
  }
}

type ConnectionOption = Parameters<typeof createClient>[0] extends infer O ? (O extends { connection?: infer C } ? C : never) : never

interface EmbeddedSession {
  client: ClickHouseClient
  connection: ChdbConnection
}

async function embeddedSession(target: ClickHouseTarget): Promise<EmbeddedSession> {
  const connection = createChdbConnection({ path: target.embeddedPath })
  // chdb's Connection implements client-common's interface; the cast bridges the two copies of its types.
  const client = createClient({ connection: connection as unknown as ConnectionOption })
  await client.command({ query: query('create_database'), query_params: { database: target.database } })
  // Each embedded session is stateful: USE makes unqualified table names resolve as on a server.
  await client.command({ query: query('use_database'), query_params: { database: target.database } })
  return { client, connection }
}

/**
 * Sets the read session's limits and then readonly=1, after which the engine refuses every setting
 * change for the rest of the session. chdb's connection applies `clickhouse_settings` as session
 * SETs in the order given, before the statement.
 */
async function sealReadSession(readClient: ClickHouseClient, limits: QueryLimits): Promise<void> {
  const settings = Object.fromEntries(readSessionSettings(limits))
  await readClient.command({ query: query('session_sealed'), clickhouse_settings: settings })
  const [row] = await (await readClient.query({ query: query('session_sealed'), format: 'JSONEachRow' })).json<{ readonly: unknown }>()
  if (Number(row?.readonly) !== 1) throw new Error('the read session of the embedded engine did not become read-only; refusing to serve queries')
}

/**
 * Sealed sessions of the query API on the embedded engine: a long analyst query leaves the other
 * to the next analyst or dashboard (read-session-pool.ts). Each holds at most --query-threads
 * threads at nice 19, so more sessions would only split the same idle cores further.
 */
const QUERY_API_SESSIONS = 2

export async function openClickHouse(target: ClickHouseTarget): Promise<ClickHouse> {
  if (target.url) {
    const bootstrap = createClient({ url: target.url, username: target.user, password: target.password })
    await bootstrap.command({ query: query('create_database'), query_params: { database: target.database } })
    await bootstrap.close()
    const client = createClient({
      url: target.url,
      username: target.user,
      password: target.password,
      database: target.database,
    })
    const insertTabSeparated = async ({ table, columns, settings }: TabSeparatedTarget, rows: EncodedRows) => {
      // As in the file statement: rows of one insert are not collapsed on insert; FINAL does it.
      await client.insert({
        table,
        columns: [...columns] as [string, ...string[]],
        format: 'TabSeparated',
        values: Readable.from([await bytesOf(rows)], { objectMode: false }),
        clickhouse_settings: { optimize_on_insert: 0, ...settings },
      })
    }
    // Analyst queries never run as the writing user: without a read user there is no query API.
    const readClient = target.readUser
      ? createClient({ url: target.url, username: target.readUser, password: target.readPassword ?? '', database: target.database })
      : null
    const closeBoth = async () => {
      await readClient?.close()
      await client.close()
    }
    const writeSession = async () => ({ client, insertTabSeparated })
    return { client, readClient, analysisClient: readClient, insertTabSeparated, spoolFile: () => null, embedded: false, database: target.database, writeSession, close: closeBoth }
  }
  const main = await embeddedSession(target)
  const { client } = main
  const openSealed = async () => {
    const { client: sealed } = await embeddedSession(target)
    await sealReadSession(sealed, target.readLimits ?? defaultQueryLimits)
    return sealed
  }
  // Where the sealed sessions' statements keep their parameters, so that none binds any
  // (analysis-session.ts): a long analyst query would otherwise hold every bound statement of the
  // process behind it, the profile stage's reads and so the storing of events among them.
  const requests = await embeddedSession(target)
  const storeParams = async (id: string, params: string) => {
    await requests.connection.chdb.rawInsert({ table: 'analysis_requests', columns: ['id', 'params'], format: 'JSONEachRow', values: Buffer.from(JSON.stringify({ id, params }) + '\n') })
  }
  const readSessions: ClickHouseClient[] = []
  for (let i = 0; i < QUERY_API_SESSIONS; i++) readSessions.push(new ReplacingReadSession(await openSealed(), openSealed).client())
  const readClient = analysisClient(new ReadSessionPool(readSessions).client(), storeParams, storedParamsFit)
  const analysisSession = new ReplacingReadSession(await openSealed(), openSealed)
  const analysis = analysisClient(analysisSession.client(), storeParams)
  // The engine reads a spooled file about ten times faster than the same bytes passed inline with
  // the INSERT (chdb 3.4 scans inline data as query text; bench/RESULTS.md): a batch is written to
  // spool folder (spool-folder.ts), read with file(), and removed.
  // The data folder holds the engine's folder: batches go there when /dev/shm is small or full.
  const spool = await openSpoolFolder({ fallbackRoot: path.dirname(target.embeddedPath) })
  const spoolFile = () => spool.file()
  const inserter = ({ client: session }: EmbeddedSession) => async (into: TabSeparatedTarget, rows: EncodedRows) => {
    // Unbound (file-insert-statement.ts): it runs beside the bound reads of other sessions.
    const file = 'file' in rows ? rows.file : await spool.write(rows.bytes)
    try {
      await session.command({ query: fileInsertStatement(into.fileStatement, file) })
    } finally {
      await rm(file, { force: true })
    }
  }
  const insertTabSeparated = inserter(main)
  const extra: ClickHouseClient[] = []
  const writeSession = async () => {
    const session = await embeddedSession(target)
    extra.push(session.client)
    return { client: session.client, insertTabSeparated: inserter(session) }
  }
  const close = async () => {
    await spool.remove()
    for (const session of extra) await session.close()
    await readClient.close()
    await analysis.close()
    await requests.client.close()
    await client.close()
    // Lets the process open another data folder afterwards (chdb: one folder at a time).
    await drainPending()
  }
  return { client, readClient, analysisClient: analysis, insertTabSeparated, spoolFile, embedded: true, database: target.database, writeSession, close }
}
