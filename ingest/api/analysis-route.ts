// A read-key POST route answering one analysis (paths, stickiness) on the sealed read session, so
// the analyst limits (time, memory, threads) hold for it as for /api/sql and /api/funnels. A body
// breaking a rule gets 400 `invalid_<name>` with the field first; an engine refusal (a limit) 400
// `<name>_failed` saying how to make the request smaller.
import type { ClickHouseClient } from '@clickhouse/client'
import type { FastifyInstance } from 'fastify'
import { AnalysisRequestError } from '../../models/analytics/request-error.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'

export interface AnalysisRoute<Request, Answer> {
  /** e.g. `/api/paths` */
  route: string
  /** `paths` gives the codes `invalid_paths` and `paths_failed`. */
  name: string
  /** An example body for the malformed-JSON message. */
  example: string
  /** What to do when the engine refuses the request (its limits). */
  narrowing: string
  parse(body: unknown, nowMs: number): Request
  run(client: ClickHouseClient, request: Request): Promise<Answer>
}

export interface AnalysisRouteDeps {
  /** The sealed read session; null on a server without a configured read user. */
  client: ClickHouseClient | null
  keys: ApiKeys
  now: () => number
}

function jsonBody(body: unknown, example: string): unknown {
  if (!Buffer.isBuffer(body)) return body
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new HttpError(400, 'malformed_json', `the body must be a JSON request, such as ${example}`)
  }
}

export function registerAnalysisRoute<Request, Answer>(app: FastifyInstance, analysis: AnalysisRoute<Request, Answer>, deps: AnalysisRouteDeps): void {
  app.post(analysis.route, async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      if (!deps.client) {
        throw new HttpError(503, 'no_read_user', `${analysis.route} runs as the read-only ClickHouse user: run sql/operator/create_read_user.sql on the server and start Pulse with --clickhouse-read-user`)
      }
      let request: Request
      try {
        request = analysis.parse(jsonBody(req.body, analysis.example), deps.now())
      } catch (e) {
        if (e instanceof AnalysisRequestError) throw new HttpError(400, `invalid_${analysis.name}`, e.message)
        throw e
      }
      try {
        return reply.send(await analysis.run(deps.client, request))
      } catch (e) {
        const code = (e as { code?: string }).code
        if (code !== undefined) throw new HttpError(400, `${analysis.name}_failed`, `${(e as Error).message.slice(0, 500)}: ${analysis.narrowing}`)
        throw e
      }
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      return reply.code(e.status).send(e.body())
    }
  })
}
