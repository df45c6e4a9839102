// GET /api/customers/:id (read key): one customer by any of its ids or its person id, with ids,
// traits, features, active tags, value scores, health and latest events.
import type { ClickHouseClient } from '@clickhouse/client'
import type { FastifyInstance } from 'fastify'
import { readId } from '../../models/events/field-coercion.ts'
import { personOf, readCustomerProfile, type LiveFeatures } from '../../sql/profiles/customer-profile-reads.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'

export interface CustomerRouteDeps {
  client: ClickHouseClient
  keys: ApiKeys
  /** The features and health as of the clock's now. */
  live(): LiveFeatures
}

export function registerCustomerRoutes(app: FastifyInstance, deps: CustomerRouteDeps): void {
  app.get<{ Params: { id: string } }>('/api/customers/:id', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      // The id as ingest stores it (trimmed, cut to the id length limit, well-formed UTF-16), so an id
      // is found however it was padded when it was sent.
      const personId = await personOf(deps.client, readId(req.params.id) ?? '')
      if (personId === null) {
        throw new HttpError(404, 'unknown_customer', `no customer has the id ${JSON.stringify(req.params.id)}: pass a user id, anonymous id or PostHog distinct id Pulse has received, or a person id (p_…); ids are case-sensitive`)
      }
      return reply.send({ customer: await readCustomerProfile(deps.client, personId, deps.live()) })
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      return reply.code(e.status).send(e.body())
    }
  })
}
