// Applies the numbered migrations of sql/migrations once each, in order, and records them.
import type { ClickHouseClient } from '@clickhouse/client'
import { migrations, query } from './sql-files.ts'

export async function migrate(client: ClickHouseClient): Promise<number[]> {
  const all = migrations()
  // schema_migrations itself is migration 000; its statement is idempotent, so run it first.
  for (const s of all[0].statements) await client.command({ query: s })
  const done = new Set(
    (await (await client.query({ query: query('applied_migrations'), format: 'JSONEachRow' })).json<{ version: number }>()).map((r) =>
      Number(r.version),
    ),
  )
  const applied: number[] = []
  for (const m of all) {
    if (done.has(m.version)) continue
    for (const s of m.statements) await client.command({ query: s })
    await client.insert({ table: 'schema_migrations', values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' })
    applied.push(m.version)
  }
  return applied
}
