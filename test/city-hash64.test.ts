// The JS cityHash64 gives the engine's value for strings of every length class (0-16, 17-32,
// 33-64, longer, several 64-byte blocks), multi-byte UTF-8, and two arguments as the facts' key
// cityHash64(source, message_id) combines them.
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cityHash64 } from '../models/tags/city-hash64.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { tempDir } from './helpers/test-pulse.ts'

let ch: ClickHouse
beforeAll(async () => {
  ch = await openClickHouse({ user: 'default', password: '', database: 'city_hash', embeddedPath: path.join(tempDir('city-hash'), 'clickhouse') })
})
afterAll(async () => {
  await ch?.close()
})

async function engineHashes(pairs: Array<[string, string]>): Promise<string[]> {
  const res = await ch.client.query({
    query: 'SELECT toString(cityHash64(a)) AS one, toString(cityHash64(a, b)) AS two FROM (SELECT arrayJoin(arrayZip({a:Array(String)}, {b:Array(String)})) AS p, p.1 AS a, p.2 AS b)',
    query_params: { a: pairs.map((p) => p[0]), b: pairs.map((p) => p[1]) },
    format: 'JSONEachRow',
  })
  return (await res.json<{ one: string; two: string }>()).flatMap((r) => [r.one, r.two])
}

describe('cityHash64', () => {
  it('matches the engine on strings of every length up to 300 bytes', async () => {
    const pairs: Array<[string, string]> = []
    for (let len = 0; len <= 300; len++) {
      const a = Array.from({ length: len }, (_, i) => String.fromCharCode(33 + ((i * 7 + len * 13) % 94))).join('')
      pairs.push([a, `m-${len}`])
    }
    const engine = await engineHashes(pairs)
    expect(pairs.flatMap(([a, b]) => [String(cityHash64(a)), String(cityHash64(a, b))])).toEqual(engine)
  })

  it('matches the engine on random unicode pairs', async () => {
    const pairs = fc.sample(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 90 }), fc.string({ unit: 'binary', maxLength: 70 })), { numRuns: 400, seed: 7 })
    // Lone surrogates have no UTF-8 form; the engine would get U+FFFD as Pulse writes them.
    const clean = pairs.map(([a, b]) => [a.toWellFormed(), b.toWellFormed()] as [string, string])
    const engine = await engineHashes(clean)
    expect(clean.flatMap(([a, b]) => [String(cityHash64(a)), String(cityHash64(a, b))])).toEqual(engine)
  })
})
