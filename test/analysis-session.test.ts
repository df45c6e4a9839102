// Analyses beside the other reads on the embedded engine: an analysis's parameters are stored as a
// row and read by the statement, so it binds nothing and a parameterized read (the query API, a
// profile read) answers while it runs instead of after it. Values reach the statement as data,
// never as SQL text.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { migrate } from '../sql/migrate.ts'
import { analysisClient, withStoredParams } from '../sql/read-path/analysis-session.ts'
import { QueryRefused, runReadOnlyQuery } from '../sql/read-path/read-only-query.ts'
import { tempDir } from './helpers/test-pulse.ts'

let ch: ClickHouse

beforeAll(async () => {
  ch = await openClickHouse({ user: 'default', password: '', database: 'analysis_session', embeddedPath: path.join(tempDir('analysis-session'), 'clickhouse') })
  await migrate(ch.client)
})
afterAll(async () => {
  await ch?.close()
})

async function rows<T>(client: NonNullable<ClickHouse['analysisClient']>, query: string, params: Record<string, unknown>): Promise<T[]> {
  return (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>()
}

/**
 * Starts seconds of work on `longClient` (its remainder `m` tells its stored row apart), waits
 * until it is underway, and expects a short query API read to answer within 2 s while it runs.
 */
async function expectReadBeside(longClient: NonNullable<ClickHouse['readClient']>, m: number): Promise<void> {
  let longDone = false
  const long = rows<{ n: number }>(longClient, 'SELECT count() AS n FROM numbers({n:UInt64}) WHERE sipHash64(number) % 7 = {m:UInt8}', { n: 400_000_000, m }).then((r) => {
    longDone = true
    return r
  })
  // Its row is stored just before its statement starts (read on the main session, which stores none).
  for (;;) {
    const [stored] = await rows<{ n: number }>(ch.client, "SELECT count() AS n FROM analysis_requests WHERE JSONExtractUInt(params, 'm') = {m:UInt8} AND JSONExtractUInt(params, 'n') = 400000000", { m })
    if (Number(stored.n) > 0 || longDone) break
  }
  const started = performance.now()
  const [answer] = await rows<{ v: string }>(ch.readClient!, 'SELECT {v:String} AS v', { v: `beside-${m}` })
  const readMs = performance.now() - started
  expect(answer.v).toBe(`beside-${m}`)
  expect(longDone).toBe(false)
  const [counted] = await long
  expect(Number(counted.n)).toBeGreaterThan(50_000_000)
  expect(readMs).toBeLessThan(2000)
}

describe('the analysis session', () => {
  it('reads every parameter type the analyses use as binding would, quotes and lone surrogates and all', async () => {
    const params = {
      s: "it's a \\ 'test'", n: 42, big: -9_007_199_254_740_991, u8: 1, as: ['a', "b'c", '', 'x\udfffy'], ai: [3, -4], aa: [['x'], [], ['y\ud800', 'z']], text: 17,
    }
    const sql = 'SELECT {s:String} AS s, {n:UInt64} AS n, {big:Int64} AS big, {u8:UInt8} AS u8, {as:Array(String)} AS as, {ai:Array(Int64)} AS ai, {aa:Array(Array(String))} AS aa, {text:String} AS text'
    const [viaAnalysis] = await rows<Record<string, unknown>>(ch.analysisClient!, sql, params)
    const [viaBinding] = await rows<Record<string, unknown>>(ch.client, sql, params)
    expect(viaAnalysis).toEqual(viaBinding)
    expect(viaAnalysis.s).toBe(params.s)
  })

  it('answers query API parameters as binding would, stored or bound: types with quotes, Bool texts, placeholders in quotes left as written', async () => {
    const params = { ts: '2026-02-01 10:00:00.123', e: 'b', b: 'true', f: '0', d: '2026-02-01', u: '123e4567-e89b-12d3-a456-426614174000', m: { a: 1 }, x: 'value' }
    const sql = "SELECT {ts:DateTime64(3, 'UTC')} AS ts, {e:Enum8('a' = 1, 'b' = 2)} AS e, {b:Bool} AS b, {f:Bool} AS f, {d:Date} AS d, {u:UUID} AS u, {m:Map(String, UInt8)} AS m, " +
      "'{x:String}' AS in_literal, 1 AS `{x:String}`, 2 AS \"{y:UInt8}\", {x:String} /* {x:String} /* {y:UInt8} */ */ AS x -- {y:UInt8}\n"
    const [viaStoredRow] = await rows<Record<string, unknown>>(ch.readClient!, sql, params)
    const [viaBinding] = await rows<Record<string, unknown>>(ch.client, sql, params)
    expect(viaStoredRow).toEqual(viaBinding)
    expect(viaStoredRow.in_literal).toBe('{x:String}')
    expect(viaStoredRow.x).toBe('value')
  })

  it('binds the values a stored row would read otherwise, and large ones, storing no row for them', async () => {
    const cases: Array<[string, unknown]> = [
      ['Array(UInt8)', [300]], ['Bool', 'yes'], ['Bool', 2], ['Array(String)', "['a','b']"], ['String', { a: 1 }], ['String', [1, 2]],
      ['Date', 20000], ['UUID', 'not-a-uuid'], ['LowCardinality(UInt8)', 300], ['FixedString(3)', 'abc'], ["DateTime('Europe/Berlin')", '2026-02-01 10:00:00'],
    ]
    for (const [type, value] of cases) {
      const marker = `m${Math.random().toString(36).slice(2)}`
      const sql = `SELECT toString({v:${type}}) AS v, {marker:String} AS marker`
      const viaQueryApi = await rows(ch.readClient!, sql, { v: value, marker }).catch((e: Error) => e.message.split(':')[0])
      const viaBinding = await rows(ch.client, sql, { v: value, marker }).catch((e: Error) => e.message.split(':')[0])
      expect(viaQueryApi, `${type} ${JSON.stringify(value)}`).toEqual(viaBinding)
      const [stored] = await rows<{ n: number }>(ch.client, 'SELECT count() AS n FROM analysis_requests WHERE position(params, {m:String}) > 0', { m: marker })
      expect(Number(stored.n), `${type} ${JSON.stringify(value)}`).toBe(0)
    }
    const big = 'x'.repeat(600_000)
    const [answer] = await rows<{ n: number }>(ch.readClient!, 'SELECT length({s:String}) AS n', { s: big })
    expect(Number(answer.n)).toBe(600_000)
    const [storedBig] = await rows<{ n: number }>(ch.client, 'SELECT count() AS n FROM analysis_requests WHERE length(params) > 600000', {})
    expect(Number(storedBig.n)).toBe(0)
  })

  it('refuses a parameter left unset, as binding does, instead of reading its type\'s default', async () => {
    await expect(rows(ch.readClient!, 'SELECT {x:UInt8} AS x, {y:String} AS y', { x: 1 })).rejects.toThrow(/Substitution `y` is not set/)
    await expect(rows(ch.readClient!, 'SELECT {x:UInt8} AS x', {})).rejects.toThrow(/Substitution `x` is not set/)
  })

  it('puts no value and no type with a quote into the statement', () => {
    const id = 'a'.repeat(32)
    const statement = withStoredParams("SELECT {x:String} = 'x'", id)
    expect(statement).toMatch(new RegExp(`^SELECT JSONExtract\\(.*analysis_requests WHERE id = '${id}'.*, 'x', 'String'\\) = 'x'$`))
    expect(statement).not.toContain('{')
    // A quote in a type stays inside the literal that names the type: the engine reads it as a type.
    const quoted = withStoredParams("SELECT {x:String') OR 1=1 --}", id)
    expect(quoted).toContain("'x', 'String\\') OR 1=1 --')")
    expect(() => withStoredParams('SELECT {x:String; DROP TABLE events}', id)).toThrow(/type not supported/)
    expect(() => withStoredParams('SELECT {x:String}', "a' OR 1=1")).toThrow(/32 hex digits/)
  })

  it('stores one row for the statements of one query API call that share its parameters', async () => {
    const marker = `marker-${Date.now()}`
    const answer = await runReadOnlyQuery(ch.readClient!, 'SELECT {v:String} AS v', { v: marker }, 'analysis_session')
    expect(answer).toEqual([{ v: marker }])
    // The canonical text's row holds the statement, not the marker; the checks and the query share one.
    const [stored] = await rows<{ n: number }>(ch.client, "SELECT count() AS n FROM analysis_requests WHERE JSONExtractString(params, 'v') = {m:String}", { m: marker })
    expect(Number(stored.n)).toBe(1)
  })

  it('fails a statement whose stored row is gone instead of reading each parameter\'s default', async () => {
    const statement = withStoredParams('SELECT {x:UInt8} AS x', 'f'.repeat(32), new Set(['x']))
    await expect(rows(ch.client, statement, {})).rejects.toThrow(new RegExp(`stored parameters of analysis request ${'f'.repeat(32)} are gone`))
  })

  it('stores the row again when the table dropped it before the statement read it', async () => {
    const kept: string[] = []
    // The first row is "dropped": never written, as when a flood of other calls pushed it out.
    const store = async (id: string, params: string) => {
      kept.push(id)
      if (kept.length > 1) await ch.client.insert({ table: 'analysis_requests', values: [{ id, params }], format: 'JSONEachRow' })
    }
    const client = analysisClient(ch.client, store)
    const [answer] = await rows<{ x: number; s: string }>(client, 'SELECT {x:UInt8} AS x, {s:String} AS s', { x: 7, s: 'again' })
    expect(answer).toEqual({ x: 7, s: 'again' })
    expect(kept).toHaveLength(2)
    expect(kept[0]).not.toBe(kept[1])
  })

  it('refuses query API parameters it could only bind, at once and storing nothing, naming the parameter', async () => {
    const cases: Array<[string, unknown]> = [
      ['Decimal(10, 2)', '1.5'], ['Bool', 'yes'], ['Array(UInt8)', [300]], ['String', { a: 1 }], ['String', 'x'.repeat(600_000)],
      // The JSON reader gives 1970 for a time past DateTime64(9)'s range, and cuts DateTime's fraction.
      ['DateTime64(9)', '2300-01-01 00:00:00'], ['Nullable(DateTime64(9))', '1600-01-01 00:00:00'], ['DateTime', '2026-01-01 00:00:00.5'],
    ]
    for (const [type, value] of cases) {
      const marker = `r${Math.random().toString(36).slice(2)}`
      const started = performance.now()
      const refusal = await runReadOnlyQuery(ch.readClient!, `SELECT count() FROM numbers(10000000000) WHERE toString({v:${type}}) = {marker:String}`, { v: value, marker }, 'analysis_session').catch((e: unknown) => e)
      expect(refusal, type).toBeInstanceOf(QueryRefused)
      expect((refusal as QueryRefused).code).toBe('invalid_params')
      expect((refusal as QueryRefused).message).toMatch(type === 'String' && typeof value === 'string' ? /more than the 524288/ : /parameter \{v:/)
      expect(performance.now() - started).toBeLessThan(2000)
      const [stored] = await rows<{ n: number }>(ch.client, 'SELECT count() AS n FROM analysis_requests WHERE position(params, {m:String}) > 0', { m: marker })
      expect(Number(stored.n), type).toBe(0)
    }
    const longText = `SELECT 1 /* ${'y'.repeat(300_000)} */`
    await expect(runReadOnlyQuery(ch.readClient!, longText, {}, 'analysis_session')).rejects.toThrow(/the query text takes 300015 bytes, more than/)
  })

  it('reads a parameter named __proto__ like any other', async () => {
    const [viaStoredRow] = await rows<{ v: string }>(ch.readClient!, 'SELECT {__proto__:String} AS v', { ['__proto__']: 'own' })
    expect(viaStoredRow.v).toBe('own')
  })

  it('runs a statement again only when its own stored row is gone, not when it throws the same words', async () => {
    let stored = 0
    const client = analysisClient(ch.client, async (id, params) => {
      stored++
      await ch.client.insert({ table: 'analysis_requests', values: [{ id, params }], format: 'JSONEachRow' })
    })
    const words = "throwIf({x:UInt8} = 1, 'the stored parameters of analysis request 00000000000000000000000000000000 are gone')"
    await expect(rows(client, `SELECT ${words}`, { x: 1 })).rejects.toThrow(/are gone/)
    expect(stored).toBe(1)
  })

  it('refuses an analysis whose parameters would not be read as a constant, in words', async () => {
    const client = analysisClient(ch.client, async () => {})
    await expect(rows(client, 'SELECT length({s:String}) AS n', { s: 'x'.repeat(600_000) })).rejects.toThrow(/more than the 524288 an analysis reads/)
  })

  it('answers a second query API read while a long one runs', async () => {
    await expectReadBeside(ch.readClient!, 2)
  })

  it('answers a parameterized read while an analysis runs', async () => {
    await expectReadBeside(ch.analysisClient!, 3)
  })
})
