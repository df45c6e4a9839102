// The analyst read session of the embedded engine, replaced after every statement the engine
// refuses. chdb 3.4 can leave the rows of a query it stopped partway (too many result rows, the
// time or memory limit) in the session: the next statement on it then answered with them, or
// failed on them (seen with /api/sql, funnels, retention and lifecycle). A fresh session, sealed
// like the first, starts clean. Statements run one at a time here, as the engine runs them per
// session anyway, so that no statement starts on a session being replaced.
import type { ClickHouseClient } from '@clickhouse/client'

/** The client methods that run a statement on the session. */
export const STATEMENTS: ReadonlySet<PropertyKey> = new Set<PropertyKey>(['query', 'command', 'exec'])

export class ReplacingReadSession {
  private tail: Promise<unknown> = Promise.resolve()

  constructor(
    private current: ClickHouseClient,
    private readonly open: () => Promise<ClickHouseClient>,
  ) {}

  /** A client whose statements run on the current session, one at a time. */
  client(): ClickHouseClient {
    return new Proxy(this.current, {
      get: (_target, prop) => {
        const value: unknown = Reflect.get(this.current, prop, this.current)
        if (typeof value !== 'function') return value
        if (!STATEMENTS.has(prop)) return (...args: unknown[]) => (Reflect.get(this.current, prop, this.current) as (...a: unknown[]) => unknown).apply(this.current, args)
        return (...args: unknown[]) => this.serially(prop, args)
      },
    })
  }

  private serially(prop: PropertyKey, args: unknown[]): Promise<unknown> {
    const run = this.tail.then(async () => {
      const method = Reflect.get(this.current, prop, this.current) as (...a: unknown[]) => Promise<unknown>
      try {
        return await method.apply(this.current, args)
      } catch (err) {
        await this.replace()
        throw err
      }
    })
    this.tail = run.catch(() => {})
    return run
  }

  private async replace(): Promise<void> {
    const old = this.current
    this.current = await this.open()
    await old.close().catch(() => {})
  }
}
