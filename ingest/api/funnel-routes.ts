// POST /api/funnels (read key): a person funnel (README, "Funnels"). It runs on the sealed read
// session, so the analyst limits (time, memory, threads) hold for it as for /api/sql.
import type { ClickHouseClient } from '@clickhouse/client'
import type { FastifyInstance } from 'fastify'
import { parseFunnelRequest } from '../../models/analytics/funnel-request.ts'
import { AnalysisRequestError } from '../../models/analytics/request-error.ts'
import { runFunnel } from '../../sql/analytics/funnel-query.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'

export interface FunnelRouteDeps {
  /** The sealed read session; null on a server without a configured read user. */
  client: ClickHouseClient | null
  keys: ApiKeys
  now: () => number
}

export function jsonBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body)) return body
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new HttpError(400, 'malformed_json', 'the body must be a JSON funnel request: { "steps": [ { "event": "..." }, ... ] }')
  }
}

/** The engine's own refusals (the read limits: time, memory) are about the request's size: 400. */
export async function engineRefusalsAsHttp<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code !== undefined) throw new HttpError(400, 'funnel_failed', `${(e as Error).message.slice(0, 500)}: narrow the range or the window, or drop a step`)
    throw e
  }
}

export function registerFunnelRoutes(app: FastifyInstance, deps: FunnelRouteDeps): void {
  app.post('/api/funnels', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      if (!deps.client) {
        throw new HttpError(503, 'no_read_user', 'funnels run as the read-only ClickHouse user: run sql/operator/create_read_user.sql on the server and start Pulse with --clickhouse-read-user')
      }
      const now = deps.now()
      let request
      try {
        request = parseFunnelRequest(jsonBody(req.body), now)
      } catch (e) {
        if (e instanceof AnalysisRequestError) throw new HttpError(400, 'invalid_funnel', e.message)
        throw e
      }
      return reply.send(await engineRefusalsAsHttp(() => runFunnel(deps.client!, request, now)))
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      return reply.code(e.status).send(e.body())
    }
  })
}
