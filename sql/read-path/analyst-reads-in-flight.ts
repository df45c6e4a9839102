// Counts the statements running (or queued) on the analyst read session of the embedded engine.
// chdb 3.4's Node binding runs every statement with bound parameters one at a time across all
// sessions (a guard against a race in libchdb's parameter state), so while an analyst query runs,
// any write that binds a parameter waits for it. Writers look at this count to take the engine's
// direct insert instead, which binds none and runs beside the analyst query.
import type { ClickHouseClient } from '@clickhouse/client'

export class InFlightCount {
  private running = 0

  get value(): number {
    return this.running
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.running++
    try {
      return await work()
    } finally {
      this.running--
    }
  }
}

const COUNTED = new Set<PropertyKey>(['query', 'command', 'exec'])

/**
 * The same client, its query, command and exec counted in `count` from the call until the answer.
 * The embedded engine answers a query whole (the result is read before the promise settles), so the
 * count falls when the engine is done with it.
 */
export function countingStatements(client: ClickHouseClient, count: InFlightCount): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target)
      if (typeof value !== 'function') return value
      const method = value as (...args: unknown[]) => Promise<unknown>
      if (!COUNTED.has(prop)) return method.bind(target)
      return (...args: unknown[]) => count.track(() => method.apply(target, args))
    },
  })
}
