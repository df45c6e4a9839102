// POST /api/funnels/persons (read key): the persons who dropped off after a step or reached it,
// a page at a time in person id order, as JSON, CSV or an Arrow IPC stream like the tag holders;
// with "save_as" (admin key) every one of them is saved as the tag funnel_dropoff:<name>.
import type { ClickHouseClient } from '@clickhouse/client'
import type { FastifyInstance } from 'fastify'
import { parseFunnelPersonsRequest, SAVED_TAG_PREFIX, type FunnelPersonsRequest } from '../../models/analytics/funnel-persons-request.ts'
import { AnalysisRequestError } from '../../models/analytics/request-error.ts'
import { runFunnelPersons, type FunnelPerson } from '../../sql/analytics/funnel-persons-query.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'
import { engineRefusalsAsHttp, jsonBody } from './funnel-routes.ts'
import { funnelPersonsArrow } from './funnel-persons-arrow.ts'
import { funnelPersonsCsv } from './funnel-persons-csv.ts'
import { cursorAfter, pageLimit, personAfterCursor } from './page-cursor.ts'
import { NEXT_CURSOR_HEADER } from './tag-routes.ts'

export interface SavedAudience {
  tag: string
  persons: number
  added: number
  removed: number
}

export interface FunnelPersonsRouteDeps {
  /** The sealed read session; null on a server without a configured read user. */
  client: ClickHouseClient | null
  keys: ApiKeys
  now: () => number
  /** Makes `members` (the persons of `request`) the holders of the tag. */
  saveAudience: (tag: string, request: FunnelPersonsRequest, members: FunnelPerson[], nowMs: number) => Promise<SavedAudience>
}

const FORMATS = ['json', 'csv', 'arrow'] as const

export function registerFunnelPersonsRoutes(app: FastifyInstance, deps: FunnelPersonsRouteDeps): void {
  app.post('/api/funnels/persons', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      if (!deps.client) {
        throw new HttpError(503, 'no_read_user', 'funnels run as the read-only ClickHouse user: run sql/operator/create_read_user.sql on the server and start Pulse with --clickhouse-read-user')
      }
      const client = deps.client
      const now = deps.now()
      let request: FunnelPersonsRequest
      try {
        request = parseFunnelPersonsRequest(jsonBody(req.body), now)
      } catch (e) {
        if (e instanceof AnalysisRequestError) throw new HttpError(400, 'invalid_funnel', e.message)
        throw e
      }
      if (request.saveAs !== null) {
        deps.keys.require(req.headers.authorization, 'admin')
        const members = await engineRefusalsAsHttp(() => runFunnelPersons(client, request.funnel, { status: request.status, step: request.step, after: '', limit: Number.MAX_SAFE_INTEGER }))
        let saved: SavedAudience
        try {
          saved = await deps.saveAudience(SAVED_TAG_PREFIX + request.saveAs, request, members, now)
        } catch (err) {
          if (err instanceof HttpError) throw err
          // Its history rows and change messages may be out already: the same save sent again
          // repeats them under the same message ids and stores the holders (README, save as a tag).
          req.log.warn({ err: String((err as Error)?.message ?? err), tag: SAVED_TAG_PREFIX + request.saveAs }, 'saving a funnel audience failed')
          throw new HttpError(503, 'save_incomplete', 'saving the tag failed part-way (its changes may already be announced, its holders are not stored): send the same save again')
        }
        return reply.send({ saved })
      }
      const format = request.format ?? 'json'
      if (!FORMATS.includes(format as (typeof FORMATS)[number])) throw new HttpError(400, 'invalid_format', `format must be json, csv or arrow, got ${JSON.stringify(String(format))}`)
      const limit = pageLimit(request.limit)
      const after = personAfterCursor(request.cursor)
      // One row past the page says whether another page follows.
      const rows = await engineRefusalsAsHttp(() => runFunnelPersons(client, request.funnel, { status: request.status, step: request.step, after, limit: limit + 1 }))
      const page = rows.slice(0, limit)
      const nextCursor = rows.length > limit ? cursorAfter(page[page.length - 1].person_id) : null
      if (nextCursor) reply.header(NEXT_CURSOR_HEADER, nextCursor)
      if (format === 'json') return reply.send({ persons: page, next_cursor: nextCursor })
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(funnelPersonsCsv(page))
      return reply.type('application/vnd.apache.arrow.stream').send(Buffer.from(funnelPersonsArrow(page)))
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      return reply.code(e.status).send(e.body())
    }
  })
}
