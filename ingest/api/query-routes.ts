// POST /api/sql: one read-only query for holders of a read or admin key. Refused statements and
// bad SQL are the caller's to fix (400); the engine failing is ours (500).
import type { ClickHouseClient } from '@clickhouse/client'
import type { FastifyInstance } from 'fastify'
import { isPlainObject } from '../../models/events/json-limits.ts'
import { QueryRefused, runReadOnlyQuery } from '../../sql/read-path/read-only-query.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'

export interface QueryDeps {
  /** The sealed read session; null on a server without a configured read user. */
  client: ClickHouseClient | null
  database: string
  keys: ApiKeys
}

function parseQueryBody(body: unknown): { query: string; params: Record<string, unknown> } {
  let value = body
  if (Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString('utf8'))
    } catch {
      throw new HttpError(400, 'malformed_json', 'the body must be JSON: { "query": "...", "params": { ... } }')
    }
  }
  if (!isPlainObject(value) || typeof value.query !== 'string' || !value.query.trim()) {
    throw new HttpError(400, 'missing_query', 'the body must be { "query": "...", "params": { ... } }')
  }
  if (value.params !== undefined && !isPlainObject(value.params)) throw new HttpError(400, 'invalid_params', '"params" must be an object of named values')
  return { query: value.query, params: (value.params ?? {}) as Record<string, unknown> }
}

export function registerQueryRoutes(app: FastifyInstance, deps: QueryDeps): void {
  app.post('/api/sql', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      if (!deps.client) {
        throw new HttpError(503, 'no_read_user', 'the query API needs a read-only ClickHouse user: run sql/operator/create_read_user.sql on the server and start Pulse with --clickhouse-read-user')
      }
      const { query, params } = parseQueryBody(req.body)
      try {
        return reply.send({ rows: await runReadOnlyQuery(deps.client, query, params, deps.database) })
      } catch (e) {
        if (e instanceof QueryRefused) throw new HttpError(400, e.code, e.message)
        // ClickHouse errors about the query itself (syntax, unknown column, readonly, limits) carry a code.
        const code = (e as { code?: string }).code
        if (code !== undefined) throw new HttpError(400, 'query_failed', (e as Error).message.slice(0, 1000))
        throw e
      }
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      return reply.code(e.status).send(e.body())
    }
  })
}
