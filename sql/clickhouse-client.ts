// The ClickHouse client factory: a server when a URL is given, else the in-process engine (chdb)
// behind the same @clickhouse/client API. Only the composition root calls it (DESIGN.md:
// chdb holds one engine and one data folder per process).
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { drainPending } from 'chdb'
import { readFile, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { createChdbConnection, type ChdbConnection } from 'chdb/connection'
import path from 'node:path'
import { openSpoolFolder } from './spool-folder.ts'
import { query } from './sql-files.ts'

export interface ClickHouseTarget {
  url?: string
  user: string
  password: string
  database: string
  /** Folder of the embedded engine, used when `url` is unset. */
  embeddedPath: string
}

export interface ClickHouse {
  client: ClickHouseClient
  /**
   * For analyst queries (read-only settings). The embedded engine applies per-query settings as
   * session SETs that outlive the query, so there it is a second session on the same folder that
   * is only ever used read-only; on a server each request carries its own settings.
   */
  readClient: ClickHouseClient
  /** Inserts rows already encoded as TabSeparated in `target`'s column order; a spooled file is removed afterwards. */
  insertTabSeparated(target: TabSeparatedTarget, rows: EncodedRows): Promise<void>
  /**
   * A fresh file path for a batch's encoded rows when the engine reads them from a file (the
   * embedded one), null when they go as a request body (a server).
   */
  spoolFile(): string | null
  embedded: boolean
  database: string
  close(): Promise<void>
}

export interface TabSeparatedTarget {
  table: string
  columns: readonly string[]
  /** sql/queries statement that inserts the same columns from file({path:String}) (embedded engine). */
  fileStatement: string
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
    const insertTabSeparated = async ({ table, columns }: TabSeparatedTarget, rows: EncodedRows) => {
      // As in the file statement: rows of one insert are not collapsed on insert; FINAL does it.
      await client.insert({
        table,
        columns: [...columns] as [string, ...string[]],
        format: 'TabSeparated',
        values: Readable.from([await bytesOf(rows)], { objectMode: false }),
        clickhouse_settings: { optimize_on_insert: 0 },
      })
    }
    return { client, readClient: client, insertTabSeparated, spoolFile: () => null, embedded: false, database: target.database, close: () => client.close() }
  }
  const { client, connection } = await embeddedSession(target)
  const { client: readClient } = await embeddedSession(target)
  // The engine reads a spooled file about ten times faster than the same bytes passed inline with
  // the INSERT (chdb 3.4 scans inline data as query text; bench/RESULTS.md): a batch is written to
  // spool folder (spool-folder.ts), read with file(), and removed.
  // The data folder holds the engine's folder: batches go there when /dev/shm is small or full.
  const spool = await openSpoolFolder({ fallbackRoot: path.dirname(target.embeddedPath) })
  const spoolFile = () => spool.file()
  const insertTabSeparated = async ({ fileStatement }: TabSeparatedTarget, rows: EncodedRows) => {
    const file = 'file' in rows ? rows.file : await spool.write(rows.bytes)
    try {
      await client.command({ query: query(fileStatement), query_params: { path: file } })
    } finally {
      await rm(file, { force: true })
    }
  }
  const close = async () => {
    await spool.remove()
    await readClient.close()
    await client.close()
    // Lets the process open another data folder afterwards (chdb: one folder at a time).
    await drainPending()
  }
  return { client, readClient, insertTabSeparated, spoolFile, embedded: true, database: target.database, close }
}
