// Who comes first on the CPU: the embedded engine's threads run at nice 10 (below the HTTP edge),
// and a read on a sealed session (an analysis, a query API call) runs its threads at nice 19, below
// ingest's inserts. The engine hands a thread back at nice 0 when such a read lets it go; the
// renicer puts it back at 10.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deprioritiseEngineThreads } from '../pipelines/runtime/engine-thread-priority.ts'
import { BATCH_NICE } from '../pipelines/runtime/batch-thread-priority.ts'
import { openClickHouse, type ClickHouse } from '../sql/clickhouse-client.ts'
import { ANALYST_NICE } from '../sql/read-path/read-session-settings.ts'
import { tempDir } from './helpers/test-pulse.ts'

let ch: ClickHouse
let stopRenicing: () => void

/** The nice value of each thread of this process that is not one of Node's own. */
function engineThreadNices(): number[] {
  const nices: number[] = []
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8')
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === 'node') continue
      // After the name come the fields from the 3rd (state) on; nice is the 19th (proc(5)).
      nices.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]))
    } catch {
      // ended meanwhile
    }
  }
  return nices
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; engine thread nices: ${engineThreadNices().join(' ')}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

beforeAll(async () => {
  ch = await openClickHouse({ user: 'default', password: '', database: 'thread_priority', embeddedPath: path.join(tempDir('thread-priority'), 'clickhouse') })
  stopRenicing = deprioritiseEngineThreads(50)
})
afterAll(async () => {
  stopRenicing?.()
  await ch?.close()
})

describe('engine thread priority', () => {
  it('runs a read at nice 19 and puts the engine threads back at nice 10 after it', async () => {
    await until(() => engineThreadNices().length > 0 && engineThreadNices().every((n) => n === BATCH_NICE), 'every engine thread at nice 10')
    const seen = new Set<number>()
    let done = false
    const read = ch.analysisClient!.query({ query: 'SELECT count() AS n FROM numbers(200000000) WHERE sipHash64(number) % 7 = 3', format: 'JSONEachRow' })
      .then((r) => r.json<{ n: number }>())
      .finally(() => { done = true })
    while (!done) {
      for (const n of engineThreadNices()) seen.add(n)
      await new Promise((r) => setTimeout(r, 10))
    }
    const [{ n }] = await read
    expect(Number(n)).toBeGreaterThan(0)
    expect(seen.has(ANALYST_NICE)).toBe(true)
    await until(() => engineThreadNices().every((x) => x === BATCH_NICE), 'the read\'s threads back at nice 10')
  })
})
