// The query API's sealed sessions of the embedded engine, more than one: each session runs its
// statements one at a time, so with a single session one analyst's long query held every other
// analyst's (and the dashboards') statements behind it until its time limit. A statement goes to
// the session with the fewest statements running or queued. Every session is sealed the same way
// and no statement binds a parameter (analysis-session.ts), so any session answers any statement.
import type { ClickHouseClient } from '@clickhouse/client'
import { STATEMENTS } from './read-session.ts'

export class ReadSessionPool {
  private readonly queued: number[]

  constructor(private readonly sessions: ClickHouseClient[]) {
    if (sessions.length === 0) throw new Error('a read session pool needs a session')
    this.queued = sessions.map(() => 0)
  }

  /** A client whose statements go to the least busy session; `close` closes them all. */
  client(): ClickHouseClient {
    const first = this.sessions[0]
    return new Proxy(first, {
      get: (_target, prop) => {
        if (prop === 'close') return async () => { await Promise.all(this.sessions.map((s) => s.close())) }
        if (!STATEMENTS.has(prop)) {
          const value: unknown = Reflect.get(first, prop, first)
          return typeof value === 'function' ? value.bind(first) : value
        }
        return (...args: unknown[]) => this.run(prop, args)
      },
    })
  }

  private async run(prop: PropertyKey, args: unknown[]): Promise<unknown> {
    let i = 0
    for (let j = 1; j < this.sessions.length; j++) if (this.queued[j] < this.queued[i]) i = j
    this.queued[i]++
    try {
      const session = this.sessions[i]
      return await (Reflect.get(session, prop, session) as (...a: unknown[]) => Promise<unknown>).apply(session, args)
    } finally {
      this.queued[i]--
    }
  }
}
