// The processor's sink on ClickHouse, with the insert faults the fault tests switch on
// (--fault-fail-inserts, --fault-engine-outage-ms, --fault-slow-inserts-ms; README, test-only
// fault injection).
import type { ClickHouse } from '../../sql/clickhouse-client.ts'
import { insertDeadLetters, insertEvents } from '../../sql/writers/event-writer.ts'
import { insertFeatureFacts } from '../../sql/writers/feature-facts-writer.ts'
import type { FaultConfig } from '../config.ts'
import type { EventSink } from './batch-inserter.ts'

/** What a client sees of an engine it cannot reach: a connection error, no ClickHouse error code. */
export function unreachable(what: string): Error {
  return Object.assign(new Error(`injected fault: ${what} (connect ECONNREFUSED)`), { code: 'ECONNREFUSED' })
}

/**
 * --fault-fail-tag-state-stores: a hook called before each store of tag states that fails the
 * first `n` of them as an unreachable engine. The profile system and funnel saves have one each.
 */
export function tagStateStoreFault(n: number): () => void {
  let left = n
  return () => {
    if (left > 0 && left--) throw unreachable('ClickHouse insert of tag states failed')
  }
}

/** `facts`: the session the feature facts go through (their own, so they insert beside the next events). */
export function clickHouseSink(ch: ClickHouse, faults: FaultConfig, facts: Pick<ClickHouse, 'insertTabSeparated'> = ch): EventSink {
  let failuresLeft = faults.failInserts
  let outageEndsAt: number | undefined
  const injectedFault = (): Error | undefined => {
    if (failuresLeft > 0) {
      failuresLeft--
      return unreachable('ClickHouse insert failed')
    }
    if (faults.engineOutageMs > 0) {
      outageEndsAt ??= Date.now() + faults.engineOutageMs
      if (Date.now() < outageEndsAt) return unreachable('ClickHouse unavailable')
    }
    return undefined
  }
  return {
    spoolFile: () => ch.spoolFile(),
    async insertEvents(rows) {
      const fault = injectedFault()
      if (fault) throw fault
      if (faults.slowInsertsMs > 0) await new Promise((r) => setTimeout(r, faults.slowInsertsMs))
      await insertEvents(ch, rows)
    },
    insertDeadLetters: (rows) => insertDeadLetters(ch.client, rows),
    insertFacts: (rows) => insertFeatureFacts(facts, rows),
  }
}
