// One JSONEachRow insert of some rows into a table; nothing when there are none.
import type { ClickHouseClient } from '@clickhouse/client'

export async function insertJsonRows(client: ClickHouseClient, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length > 0) await client.insert({ table, format: 'JSONEachRow', values: rows as Record<string, unknown>[] })
}
