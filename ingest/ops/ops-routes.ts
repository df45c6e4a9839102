// Liveness, readiness and Prometheus metrics.
import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'

export interface OpsDeps {
  registry: Registry
  /** Each check resolves true when its dependency answers. */
  readiness: Record<string, () => Promise<boolean>>
}

export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_req, reply) => {
    const checks: Record<string, boolean> = {}
    for (const [name, check] of Object.entries(deps.readiness)) checks[name] = await check().catch(() => false)
    const ready = Object.values(checks).every(Boolean)
    return reply.code(ready ? 200 : 503).send({ ready, checks })
  })
  app.get('/metrics', async (_req, reply) => reply.type(deps.registry.contentType).send(await deps.registry.metrics()))
}
