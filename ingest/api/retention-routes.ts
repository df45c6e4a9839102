// POST /api/retention and POST /api/lifecycle (read key): cohort retention tables and lifecycle
// counts (README, "Retention", "Lifecycle"). They run on the sealed read session, so the analyst
// limits (time, memory, threads) hold for them as for /api/sql and /api/funnels.
import type { ClickHouseClient } from '@clickhouse/client'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseLifecycleRequest } from '../../models/analytics/lifecycle-request.ts'
import { AnalysisRequestError } from '../../models/analytics/request-error.ts'
import { parseRetentionRequest } from '../../models/analytics/retention-request.ts'
import { runLifecycle } from '../../sql/analytics/lifecycle-query.ts'
import { runRetention } from '../../sql/analytics/retention-query.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'

export interface RetentionRouteDeps {
  /** The sealed read session; null on a server without a configured read user. */
  client: ClickHouseClient | null
  keys: ApiKeys
  now: () => number
}

interface Analysis {
  /** `retention` or `lifecycle`: the error codes are invalid_<name> and <name>_failed. */
  name: string
  example: string
  run(client: ClickHouseClient, body: unknown, now: number): Promise<unknown>
}

function jsonBody(body: unknown, example: string): unknown {
  if (!Buffer.isBuffer(body)) return body
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new HttpError(400, 'malformed_json', `the body must be a JSON request such as ${example}`)
  }
}

function handler(deps: RetentionRouteDeps, analysis: Analysis) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      if (!deps.client) {
        throw new HttpError(503, 'no_read_user', `${analysis.name} runs as the read-only ClickHouse user: run sql/operator/create_read_user.sql on the server and start Pulse with --clickhouse-read-user`)
      }
      const now = deps.now()
      const body = jsonBody(req.body, analysis.example)
      try {
        return reply.send(await analysis.run(deps.client, body, now))
      } catch (e) {
        if (e instanceof AnalysisRequestError) throw new HttpError(400, `invalid_${analysis.name}`, e.message)
        // The engine's own refusals (the read limits: time, memory) are about this request's size.
        const code = (e as { code?: string }).code
        if (code !== undefined) throw new HttpError(400, `${analysis.name}_failed`, `${(e as Error).message.slice(0, 500)}: narrow the range or use a longer period`)
        throw e
      }
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      return reply.code(e.status).send(e.body())
    }
  }
}

export function registerRetentionRoutes(app: FastifyInstance, deps: RetentionRouteDeps): void {
  app.post('/api/retention', handler(deps, {
    name: 'retention',
    example: '{ "cohort_event": { "event": "Signed Up" }, "return_event": { "event": "Order Completed" } }',
    run: (client, body, now) => runRetention(client, parseRetentionRequest(body, now), now),
  }))
  app.post('/api/lifecycle', handler(deps, {
    name: 'lifecycle',
    example: '{ "event": "Order Completed", "period": "week" }',
    run: (client, body, now) => runLifecycle(client, parseLifecycleRequest(body, now), now),
  }))
}
