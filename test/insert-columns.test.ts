// A TabSeparated body is inserted two ways (sql/clickhouse-client.ts): through the target's file
// statement on the embedded engine, or with the target's columns and settings on a server. Both
// must name the columns in the order the writer encodes them, with the same settings.
import { describe, expect, it } from 'vitest'
import type { TabSeparatedTarget } from '../sql/clickhouse-client.ts'
import { query } from '../sql/sql-files.ts'
import { SCORES_TARGET } from '../sql/writers/customer-scores-writer.ts'
import { EVENTS_TARGET } from '../sql/writers/event-writer.ts'
import { FACTS_TARGET } from '../sql/writers/feature-facts-writer.ts'
import { PROFILE_TARGETS } from '../sql/writers/profile-writer.ts'

const TARGETS: TabSeparatedTarget[] = [EVENTS_TARGET, FACTS_TARGET, SCORES_TARGET, ...Object.values(PROFILE_TARGETS)]

function statementOf(target: TabSeparatedTarget): string {
  return query(target.fileStatement).replace(/--.*$/gm, '')
}

describe.each(TARGETS.map((t) => [t.fileStatement, t] as const))('%s.sql', (_name, target) => {
  it("inserts into the target's table exactly its columns, in order", () => {
    const match = /INSERT INTO (\w+) \(([^)]*)\)/.exec(statementOf(target))
    expect(match?.[1]).toBe(target.table)
    expect(match?.[2].split(',').map((c) => c.trim())).toEqual([...target.columns])
  })

  it("has the target's settings", () => {
    const clause = /SETTINGS (.*)$/m.exec(statementOf(target))?.[1] ?? ''
    const settings = Object.fromEntries(clause.split(',').filter((s) => s.trim()).map((s) => s.split('=').map((x) => x.trim())).map(([k, v]) => [k, Number(v)]))
    expect(settings).toEqual(target.settings ?? {})
  })
})
