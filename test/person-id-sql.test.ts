// Queries that count persons give an id no person holds yet the person id the identity graph will
// give it (models/identity/person-id.ts), computed in SQL: the two must agree for any id.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { personIdFor } from '../models/identity/person-id.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { tempDir } from './helpers/test-pulse.ts'

const EXPRESSION = "concat('p_', substring(lower(hex(SHA256({id:String}))), 1, 16))"
const QUERIES = ['purchase_period_summaries', 'customer_activity', 'top_customers', 'complaint_records']

let ch: ClickHouse
beforeAll(async () => {
  ch = await openClickHouse({ user: 'default', password: '', database: 'person_id_sql', embeddedPath: path.join(tempDir('person-id-sql'), 'clickhouse') })
})
afterAll(async () => {
  await ch?.close()
})

describe('the person id of an id, in SQL', () => {
  it('is the one the identity graph gives, for any id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }), async (id) => {
        const r = await ch.client.query({ query: `SELECT ${EXPRESSION} AS p`, query_params: { id }, format: 'JSONEachRow' })
        expect((await r.json<{ p: string }>())[0].p).toBe(personIdFor(id))
      }),
      { numRuns: 100 },
    )
  })
  it('is written the same way in every query that falls back on it', () => {
    const shape = /concat\('p_', substring\(lower\(hex\(SHA256\([a-z]+\.[a-z_]+\)\)\), 1, 16\)\)/
    for (const q of QUERIES) expect(readFileSync(path.join(import.meta.dirname, '..', 'sql', 'queries', `${q}.sql`), 'utf8')).toMatch(shape)
  })
})
