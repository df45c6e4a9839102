// POST /api/tags/refresh (admin key): runs the tag sweep now, as of the clock's now, so that a
// replayed history gets the time-only changes (silent, churn risk, SLA breaches) at once.
// `{"everyone": true}` recomputes every person, not only those due.
import type { FastifyInstance } from 'fastify'
import { HttpError } from '../http-error.ts'
import type { SweepSummary } from '../../models/tags/sweep-summary.ts'
import type { ApiKeys } from './api-keys.ts'


export interface TagRefreshDeps {
  keys: ApiKeys
  sweep: (everyone: boolean) => Promise<SweepSummary>
}

function bodyOf(raw: unknown): { everyone: boolean } {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return { everyone: false }
  let body: unknown
  try {
    body = JSON.parse(raw.toString('utf8'))
  } catch {
    throw new HttpError(400, 'malformed_json', 'the body must be empty or JSON: { "everyone": true }')
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid_body', 'the body must be a JSON object: { "everyone": true }')
  const unknown = Object.keys(body).filter((k) => k !== 'everyone')
  if (unknown.length) throw new HttpError(400, 'unknown_field', `unknown field ${JSON.stringify(unknown[0])}: the body takes only "everyone"`)
  const everyone = (body as { everyone?: unknown }).everyone
  if (everyone !== undefined && typeof everyone !== 'boolean') throw new HttpError(400, 'invalid_everyone', '"everyone" must be true or false')
  return { everyone: everyone === true }
}

export function registerTagRefreshRoutes(app: FastifyInstance, deps: TagRefreshDeps): void {
  app.post('/api/tags/refresh', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'admin')
      const { everyone } = bodyOf(req.body)
      const s = await deps.sweep(everyone)
      return reply.send({ sweep: { now: new Date(s.now).toISOString(), persons: s.persons, tag_changes: s.tagChanges, alerts: s.alerts, everyone: s.everyone, seconds: s.seconds } })
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      return reply.code(e.status).send(e.body())
    }
  })
}
