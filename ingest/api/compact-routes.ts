// POST /api/events/compact (admin key): merges the analysis table's parts into one, so that range
// reads after an import of per-customer histories stop merging every part (pulse compact; README,
// "Importing history"). It holds the request until the merge is done.
import type { FastifyInstance } from 'fastify'
import type { AnalysisLayout } from '../../sql/analytics/analysis-table-layout.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'

export interface CompactDeps {
  keys: ApiKeys
  /** Resolves with the layout before and after; an HttpError (409 compact_busy) while one runs. */
  compact: () => Promise<{ before: AnalysisLayout; after: AnalysisLayout; seconds: number }>
}

const layout = (l: AnalysisLayout) => ({ parts: l.parts, rows: l.rows, parts_per_day: l.partsPerDay })

export function registerCompactRoutes(app: FastifyInstance, deps: CompactDeps): void {
  app.post('/api/events/compact', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'admin')
      const s = await deps.compact()
      return reply.send({ compact: { table: 'events_by_day', before: layout(s.before), after: layout(s.after), seconds: Math.round(s.seconds * 100) / 100 } })
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      return reply.code(e.status).send(e.body())
    }
  })
}
