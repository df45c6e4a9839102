// GET /api/tags: every tag held now with its number of persons; GET /api/tags/:tag/customers: the
// persons holding one, a page at a time in person id order, as JSON, CSV or an Arrow IPC stream.
// Both need a read key.
import type { ClickHouseClient } from '@clickhouse/client'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { readHeldTags, readTagHolders } from '../../sql/profiles/tag-holder-reads.ts'
import { tagHoldersArrow } from './tag-holders-arrow.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'
import { cursorAfter, pageLimit, personAfterCursor } from './page-cursor.ts'
import { definitionOf, type TagDefinition } from './tag-descriptions.ts'
import { tagHoldersCsv } from './tag-holders-csv.ts'

export interface TagRouteDeps {
  client: ClickHouseClient
  keys: ApiKeys
  /** The tag catalog: describes each tag (and each family such as `region:<value>`). */
  definitions: readonly TagDefinition[]
}

const FORMATS = ['json', 'csv', 'arrow'] as const
type PageFormat = (typeof FORMATS)[number]

/** Also sent with every page: CSV and Arrow have no body field for it. */
export const NEXT_CURSOR_HEADER = 'pulse-next-cursor'

function formatOf(format: unknown): PageFormat {
  if (format === undefined) return 'json'
  if (!FORMATS.includes(format as PageFormat)) throw new HttpError(400, 'invalid_format', `format must be json, csv or arrow, got ${JSON.stringify(String(format))}`)
  return format as PageFormat
}

function answerError(e: unknown, reply: FastifyReply): FastifyReply {
  if (!(e instanceof HttpError)) throw e
  return reply.code(e.status).send(e.body())
}

export function registerTagRoutes(app: FastifyInstance, deps: TagRouteDeps): void {
  app.get('/api/tags', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      const held = await readHeldTags(deps.client)
      const tags = held.map((t) => {
        const definition = definitionOf(t.tag, deps.definitions)
        return { tag: t.tag, layer: t.layer || definition?.layer || '', description: definition?.description ?? '', customers: t.customers }
      })
      return reply.send({ tags })
    } catch (e) {
      return answerError(e, reply)
    }
  })

  app.get<{ Params: { tag: string }; Querystring: Record<string, unknown> }>('/api/tags/:tag/customers', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      const format = formatOf(req.query.format)
      const limit = pageLimit(req.query.limit)
      const after = personAfterCursor(req.query.cursor)
      const tag = req.params.tag
      // One row past the page says whether another page follows.
      const rows = await readTagHolders(deps.client, { tag, after, through: '', limit: limit + 1 })
      const page = rows.slice(0, limit)
      const nextCursor = rows.length > limit ? cursorAfter(page[page.length - 1].person_id) : null
      if (nextCursor) reply.header(NEXT_CURSOR_HEADER, nextCursor)
      if (format === 'json') return reply.send({ customers: page, next_cursor: nextCursor })
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(tagHoldersCsv(page))
      return reply.type('application/vnd.apache.arrow.stream').send(Buffer.from(tagHoldersArrow(page)))
    } catch (e) {
      return answerError(e, reply)
    }
  })
}
