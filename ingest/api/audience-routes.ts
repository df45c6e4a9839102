// Saved audiences (README, "Audiences"): POST /api/audiences and DELETE /api/audiences/:name need an
// admin key; the list, the members (JSON pages, CSV, Arrow, Parquet) and the change sets a read key.
import type { ClickHouseClient } from '@clickhouse/client'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { audienceTags, parseAudienceDefinition, type AudienceDefinition } from '../../models/tags/audience-definition.ts'
import { AudienceSyncs, countMembers, readMembers, syncPoint } from '../../sql/audiences/audience-membership.ts'
import { AudienceStore, type SavedAudience } from '../../sql/audiences/audience-store.ts'
import { HttpError } from '../http-error.ts'
import { membersArrow, membersCsv, membersParquet } from './audience-exports.ts'
import { seqOfCursor, syncCursor } from './audience-cursor.ts'
import type { ApiKeys } from './api-keys.ts'
import { cursorAfter, pageLimit, personAfterCursor } from './page-cursor.ts'
import { NEXT_CURSOR_HEADER } from './tag-routes.ts'

export interface AudienceRouteDeps {
  client: ClickHouseClient
  keys: ApiKeys
  now: () => number
}

const FORMATS = ['json', 'csv', 'arrow', 'parquet'] as const
type MemberFormat = (typeof FORMATS)[number]

function formatOf(format: unknown): MemberFormat {
  if (format === undefined) return 'json'
  if (!FORMATS.includes(format as MemberFormat)) throw new HttpError(400, 'invalid_format', `format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(String(format))}`)
  return format as MemberFormat
}

function jsonBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body)) return body
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new HttpError(400, 'malformed_json', 'the body must be a JSON audience definition: { "name": "...", "all": ["tag"], ... }')
  }
}

const iso = (ms: number) => new Date(ms).toISOString()

function described(a: SavedAudience): Record<string, unknown> {
  return { name: a.definition.name, definition: a.definition, tags: audienceTags(a.definition), version: a.version, created_at: iso(a.createdAt), updated_at: iso(a.updatedAt) }
}

function answerError(e: unknown, reply: FastifyReply): FastifyReply {
  if (!(e instanceof HttpError)) throw e
  return reply.code(e.status).send(e.body())
}

export function registerAudienceRoutes(app: FastifyInstance, deps: AudienceRouteDeps): void {
  const store = new AudienceStore(deps.client)
  const syncs = new AudienceSyncs(deps.client)

  async function existing(name: string): Promise<AudienceDefinition> {
    const saved = await store.get(name)
    if (!saved) throw new HttpError(404, 'unknown_audience', `no audience is named ${JSON.stringify(name)}: GET /api/audiences lists them, POST /api/audiences creates one`)
    return saved.definition
  }

  app.post('/api/audiences', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'admin')
      const parsed = parseAudienceDefinition(jsonBody(req.body))
      if (!parsed.ok) throw new HttpError(400, 'invalid_audience', parsed.error)
      const { audience, created } = await store.save(parsed.audience, deps.now())
      return reply.code(created ? 201 : 200).send({ audience: { ...described(audience), members: await countMembers(deps.client, audienceTags(audience.definition)) } })
    } catch (e) {
      return answerError(e, reply)
    }
  })

  app.get('/api/audiences', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      const audiences = []
      for (const a of await store.list()) audiences.push({ ...described(a), members: await countMembers(deps.client, audienceTags(a.definition)) })
      return reply.send({ audiences })
    } catch (e) {
      return answerError(e, reply)
    }
  })

  app.delete<{ Params: { name: string } }>('/api/audiences/:name', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'admin')
      if (!(await store.delete(req.params.name, deps.now()))) await existing(req.params.name)
      return reply.send({ deleted: req.params.name })
    } catch (e) {
      return answerError(e, reply)
    }
  })

  app.get<{ Params: { name: string }; Querystring: Record<string, unknown> }>('/api/audiences/:name/members', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      const format = formatOf(req.query.format)
      // JSON comes a page at a time; the files hold every member unless a limit is asked for.
      const limit = format === 'json' || req.query.limit !== undefined ? pageLimit(req.query.limit) : Number.MAX_SAFE_INTEGER - 1
      const after = personAfterCursor(req.query.cursor)
      const tags = audienceTags(await existing(req.params.name))
      // One row past the page says whether another page follows.
      const rows = await readMembers(deps.client, tags, after, limit + 1)
      const page = rows.slice(0, limit)
      const nextCursor = rows.length > limit ? cursorAfter(page[page.length - 1].person_id) : null
      if (nextCursor) reply.header(NEXT_CURSOR_HEADER, nextCursor)
      if (format === 'json') return reply.send({ members: page, next_cursor: nextCursor })
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(membersCsv(page))
      if (format === 'arrow') return reply.type('application/vnd.apache.arrow.stream').send(Buffer.from(membersArrow(page)))
      return reply.type('application/vnd.apache.parquet').send(Buffer.from(membersParquet(page)))
    } catch (e) {
      return answerError(e, reply)
    }
  })

  app.get<{ Params: { name: string }; Querystring: Record<string, unknown> }>('/api/audiences/:name/changes', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      const name = req.params.name
      const tags = audienceTags(await existing(name))
      const from = seqOfCursor(name, req.query.since)
      if (from > 0 && !(await syncPoint(deps.client, name, from))) {
        throw new HttpError(400, 'invalid_cursor', 'since names no sync of this audience (it was deleted and created again since): leave since out for a full sync')
      }
      const changes = await syncs.sync(name, tags, from, deps.now(), Date.now())
      return reply.send({ audience: name, joined: changes.joined, left: changes.left, members: changes.members, next_cursor: syncCursor(name, changes.seq) })
    } catch (e) {
      return answerError(e, reply)
    }
  })
}
