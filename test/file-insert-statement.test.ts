// The embedded engine's file inserts carry the spool file's path as a literal, not bound (so they run
// beside other sessions' bound statements): a data folder whose name holds quotes, backslashes and
// others still inserts exactly its file's rows, and nothing but {path:String} is ever replaced.
// file() reads a path as a glob: no spool file ever has a glob character, and one is refused.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { fileInsertStatement } from '../sql/file-insert-statement.ts'
import { migrate } from '../sql/migrate.ts'
import { openSpoolFolder } from '../sql/spool-folder.ts'
import { encodeTagHistory, insertProfileRows } from '../sql/writers/profile-writer.ts'
import type { TagChange } from '../models/tags/tag-change.ts'
import { tempDir } from './helpers/test-pulse.ts'

// A folder name an operator could give: quotes of both kinds, a backslash before a quote, a
// statement terminator, a comment opener, regular-expression characters and non-ASCII letters.
const ODD = `it's \\' "odd"; -- $^[x](y)|+. üñ\\`
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
  it('insert a file whose path holds quotes, backslashes and a statement, exactly its rows', async () => {
    const file = path.join(folder, `rows '); DROP TABLE tag_history; --.tsv`)
    writeFileSync(file, encodeTagHistory([change(1), change(2)]))
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

  it('never spool to a folder with a glob character, and refuse such a path', async () => {
    const globbed = path.join(tempDir('file-insert-glob'), 'data{eu}$*')
    const spool = await openSpoolFolder({ fallbackRoot: globbed, minFreeBytes: Number.MAX_SAFE_INTEGER })
    try {
      expect(spool.file()).not.toMatch(/[*?{}]/)
      expect(await spool.write(Buffer.from('x\n'))).not.toMatch(/[*?{}]/)
    } finally {
      await spool.remove()
    }
    expect(() => fileInsertStatement('insert_tag_history_from_file', path.join(globbed, '0.tsv'))).toThrow(/would read as a glob/)
  })

  it('refuse a relative path and a statement with any other parameter', () => {
    expect(() => fileInsertStatement('insert_tag_history_from_file', 'rows.tsv')).toThrow(/not an absolute path/)
    expect(() => fileInsertStatement('person_facts', '/tmp/x.tsv')).toThrow(/takes only \{path:String\}/)
  })
})
