// Service quality (read key): GET /api/service/complaints?from&to&limit (complaint records with
// deadline, resolution time and breach flag) and GET /api/service/nps?period=day|week|month&from&to.
// Times are ISO-8601 or dates; the range defaults to the 30 days before the clock's now.
import type { ClickHouseClient } from '@clickhouse/client'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { readComplaintRecords, readNpsByPeriod } from '../../sql/profiles/service-reads.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'

export interface ServiceRouteDeps {
  client: ClickHouseClient
  keys: ApiKeys
  now: () => number
  deadlines: { majorMs: number; normalMs: number }
  npsBands: { promoterMin: number; passiveMin: number }
}

const DAY_MS = 86_400_000
const PERIODS = ['day', 'week', 'month'] as const

function timeParam(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const text = String(value)
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(text + 'T00:00:00Z') : /(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN
  if (!Number.isFinite(ms)) throw new HttpError(400, `invalid_${name}`, `${name} must be a date like 2026-01-31 or an ISO-8601 time with a zone, got ${JSON.stringify(text.slice(0, 60))}`)
  return ms
}

function rangeOf(q: Record<string, unknown>, now: number): { from: number; to: number } {
  const to = timeParam(q.to, 'to', now)
  const from = timeParam(q.from, 'from', to - 30 * DAY_MS)
  if (from >= to) throw new HttpError(400, 'invalid_range', 'from must be before to')
  return { from, to }
}

function limitOf(value: unknown): number {
  if (value === undefined) return 1000
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new HttpError(400, 'invalid_limit', `limit must be a whole number from 1 to 100000, got ${JSON.stringify(String(value).slice(0, 40))}`)
  return n
}

async function answer(reply: FastifyReply, work: () => Promise<unknown>): Promise<FastifyReply> {
  try {
    return reply.send(await work())
  } catch (e) {
    if (!(e instanceof HttpError)) throw e
    return reply.code(e.status).send(e.body())
  }
}

export function registerServiceRoutes(app: FastifyInstance, deps: ServiceRouteDeps): void {
  app.get<{ Querystring: Record<string, unknown> }>('/api/service/complaints', (req, reply) =>
    answer(reply, async () => {
      deps.keys.require(req.headers.authorization, 'read')
      const now = deps.now()
      const range = rangeOf(req.query, now)
      const complaints = await readComplaintRecords(deps.client, { ...range, now, limit: limitOf(req.query.limit) }, deps.deadlines)
      return { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), complaints }
    }),
  )
  app.get<{ Querystring: Record<string, unknown> }>('/api/service/nps', (req, reply) =>
    answer(reply, async () => {
      deps.keys.require(req.headers.authorization, 'read')
      const period = (req.query.period ?? 'week') as (typeof PERIODS)[number]
      if (!PERIODS.includes(period)) throw new HttpError(400, 'invalid_period', `period must be day, week or month, got ${JSON.stringify(String(period).slice(0, 40))}`)
      const range = rangeOf(req.query, deps.now())
      return { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), period, nps: await readNpsByPeriod(deps.client, { ...range, period }, deps.npsBands) }
    }),
  )
}
