// POST /api/stickiness (read key): persons by the number of days (weeks, months) they were active
// (README, "Stickiness").
import type { FastifyInstance } from 'fastify'
import { parseStickinessRequest } from '../../models/analytics/stickiness-request.ts'
import { runStickiness } from '../../sql/analytics/stickiness-query.ts'
import { registerAnalysisRoute, type AnalysisRouteDeps } from './analysis-route.ts'

export function registerStickinessRoutes(app: FastifyInstance, deps: AnalysisRouteDeps): void {
  registerAnalysisRoute(app, {
    route: '/api/stickiness',
    name: 'stickiness',
    example: '{ "event": "Lesson Completed", "period": "day" }',
    narrowing: 'narrow the range',
    parse: parseStickinessRequest,
    run: runStickiness,
  }, deps)
}
