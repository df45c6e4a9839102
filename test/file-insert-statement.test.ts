// The embedded engine's file inserts carry the spool file's path as a literal, not bound (so they run
// beside other sessions' bound statements): a data folder whose name holds quotes, backslashes,
// glob characters (file() reads its path as a glob) and others still inserts exactly its file's
// rows, and nothing but {path:String} is ever replaced.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { fileInsertStatement } from '../sql/file-insert-statement.ts'
import { migrate } from '../sql/migrate.ts'
import { encodeTagHistory, insertProfileRows } from '../sql/writers/profile-writer.ts'
import type { TagChange } from '../models/tags/tag-change.ts'
import { tempDir } from './helpers/test-pulse.ts'

// A folder name an operator could give: quotes of both kinds, a backslash before a quote, a
// statement terminator, a comment opener, a brace placeholder, glob characters and non-ASCII letters.
const ODD = `it's \\' "odd"; -- {path:String} *? {a,b} üñ`
let ch: ClickHouse
let folder: string

beforeAll(async () => {
  folder = path.join(tempDir('file-insert'), ODD)
  mkdirSync(folder, { recursive: true })
  ch = await openClickHouse({ user: 'default', password: '', database: 'file_insert_statement', embeddedPath: path.join(folder, 'clickhouse') })
  await migrate(ch.client)
})
afterAll(async () => {
  await ch?.close()
})

const change = (n: number): TagChange => ({ personId: `p_${n}`, ids: [`u'${n}`], tag: 'silent', layer: 'behaviour', change: 'added', at: 1_780_000_000_000 + n, reason: { n } })

describe('file inserts on the embedded engine', () => {
  it('insert a file whose path holds quotes, backslashes and a placeholder, exactly its rows', async () => {
    const file = path.join(folder, `rows '\\ {path:String} *.tsv`)
    writeFileSync(file, encodeTagHistory([change(1), change(2)]))
    // The file the path would name if its braces and star were read as a glob.
    writeFileSync(path.join(folder, `rows '\\ path:String x.tsv`), encodeTagHistory([change(9)]))
    await ch.client.command({ query: fileInsertStatement('insert_tag_history_from_file', file) })
    const rows = await (await ch.client.query({ query: 'SELECT person_id, ids FROM tag_history ORDER BY person_id', format: 'JSONEachRow' })).json()
    expect(rows).toEqual([{ person_id: 'p_1', ids: ["u'1"] }, { person_id: 'p_2', ids: ["u'2"] }])
  })

  it('go through the spool folder and remove its file', async () => {
    await insertProfileRows(ch, 'history', encodeTagHistory([change(3)]))
    const [{ n }] = await (await ch.client.query({ query: "SELECT count() AS n FROM tag_history WHERE person_id = 'p_3'", format: 'JSONEachRow' })).json<{ n: string }>()
    expect(Number(n)).toBe(1)
    expect(readdirSync(folder).filter((f) => f.endsWith('.tsv') && !f.startsWith('rows'))).toEqual([])
  })

  it('refuse a relative path and a statement with any other parameter', () => {
    expect(() => fileInsertStatement('insert_tag_history_from_file', 'rows.tsv')).toThrow(/not an absolute path/)
    expect(() => fileInsertStatement('person_facts', '/tmp/x.tsv')).toThrow(/takes only \{path:String\}/)
  })
})
