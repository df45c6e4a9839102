// POST /api/ltv/refresh: refits the customer-value models now (Bearer admin key: a refit rewrites
// the stored scores) and answers with the fit; the refit itself is injected by the composition root.
import type { FastifyInstance } from 'fastify'
import { asOfTime } from '../../models/value/as-of-time.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'

export interface LtvRouteDeps {
  keys: ApiKeys
  /** The clock's now: an as_of after it is refused. */
  now: () => number
  /** Fits on the purchases up to `asOf` (epoch ms; now when absent), after the refits asked before. */
  refresh: (asOf?: number) => Promise<RefreshOutcome>
}

export type RefreshOutcome =
  | { status: 'fitted'; fit: { converged: boolean } }
  | { status: 'no_purchases' }
  | { status: 'busy'; waiting: number }

export function registerLtvRoutes(app: FastifyInstance, deps: LtvRouteDeps): void {
  app.post('/api/ltv/refresh', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'admin')
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      return reply.code(e.status).send(e.body())
    }
    // {"as_of": "1997-09-30"}: fit as of the end of that day (backfilled history, reproducible runs).
    let body: unknown = {}
    try {
      if (Buffer.isBuffer(req.body) && req.body.length) body = JSON.parse(req.body.toString('utf8'))
    } catch {
      const e = new HttpError(400, 'malformed_json', 'the body must be empty or JSON: { "as_of": "YYYY-MM-DD" }')
      return reply.code(e.status).send(e.body())
    }
    const asOfText = (body as { as_of?: unknown } | null)?.as_of
    let asOf: number | undefined
    if (asOfText !== undefined) {
      const day = typeof asOfText === 'string' ? asOfTime(asOfText) : NaN
      if (Number.isNaN(day)) {
        const e = new HttpError(400, 'invalid_as_of', `as_of must be a date like 1997-09-30 or an ISO-8601 time, got ${JSON.stringify(asOfText)}`)
        return reply.code(e.status).send(e.body())
      }
      // A fit becomes the current one and its scores and tags replace today's: a future as_of would
      // score everyone as having lapsed. A date is the end of that day, so today is allowed.
      const starts = /^\d{4}-\d{2}-\d{2}$/.test(asOfText as string) ? day - 86_399_999 : day
      if (starts > deps.now()) {
        const e = new HttpError(400, 'invalid_as_of', `as_of ${JSON.stringify(asOfText)} is after now (${new Date(deps.now()).toISOString()}): a fit's scores and tags become the current ones, so fit as of today or earlier`)
        return reply.code(e.status).send(e.body())
      }
      asOf = day
    }
    const outcome = await deps.refresh(asOf)
    let e: HttpError | undefined
    if (outcome.status === 'busy') {
      e = new HttpError(409, 'refit_busy', `${outcome.waiting} refits are already waiting for their turn: ask again when they are done`)
    } else if (outcome.status === 'no_purchases') {
      e = new HttpError(409, 'no_purchases', 'there are no purchase events to fit on yet (see --ltv-purchase-event)')
    } else if (!outcome.fit.converged) {
      // Recorded in model_fits with converged = 0; the scores of the last converged fit stay current.
      e = new HttpError(422, 'fit_not_converged', 'the customer-value models did not converge on these purchases, so the previous scores were kept: refit when more customers have bought again, or with an as_of that covers more history')
    }
    if (e) return reply.code(e.status).send(outcome.status === 'fitted' ? { ...e.body(), fit: outcome.fit } : e.body())
    return reply.send({ fit: outcome.status === 'fitted' ? outcome.fit : null })
  })
}
