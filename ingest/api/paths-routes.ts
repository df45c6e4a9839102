// POST /api/paths (read key): the paths from or to an anchor event, for a Sankey (README, "Paths").
import type { FastifyInstance } from 'fastify'
import { parsePathsRequest } from '../../models/analytics/paths-request.ts'
import { runPaths } from '../../sql/analytics/paths-query.ts'
import { registerAnalysisRoute, type AnalysisRouteDeps } from './analysis-route.ts'

export function registerPathsRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  registerAnalysisRoute(app, {
    route: '/api/paths',
    name: 'paths',
    example: '{ "start_event": "Signed Up", "steps": 5 }',
    narrowing: 'narrow the range, or keep fewer events with include_events',
    parse: parsePathsRequest,
    run: runPaths,
  }, deps)
}
