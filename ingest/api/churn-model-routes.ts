// GET /api/models/churn[?version=] (read key): the churn model's quality card, the latest one or
// the one stored with a value-fit version (README, "Churn scores in Pulse").
import type { ClickHouseClient } from '@clickhouse/client'
import type { FastifyInstance } from 'fastify'
import { readChurnModel, type StoredChurnModel } from '../../sql/profiles/churn-model-reads.ts'
import { HttpError } from '../http-error.ts'
import type { ApiKeys } from './api-keys.ts'

export interface ChurnModelRouteDeps {
  client: ClickHouseClient
  keys: ApiKeys
}

/** The figures to judge the model by: the backtest's (a period it was not trained on), else in-sample. */
function headline(m: StoredChurnModel) {
  const b = m.card.backtest
  const q = b ? b.model : m.card.inSample
  return { basis: b ? 'backtest' : 'in_sample', auc: q.auc, pr_auc: q.prAuc, brier: q.brier, rows: q.rows }
}

/** The `churn_model` GET /api/models/churn answers with; the dashboards read a data folder through it too. */
export function churnModelBody(model: StoredChurnModel) {
  return { version: model.version, fitted_at: new Date(model.fittedAt).toISOString(), as_of: new Date(model.asOf).toISOString(), quality: headline(model), card: model.card }
}

export type ChurnModelBody = ReturnType<typeof churnModelBody>

export function registerChurnModelRoutes(app: FastifyInstance, deps: ChurnModelRouteDeps): void {
  app.get<{ Querystring: Record<string, unknown> }>('/api/models/churn', async (req, reply) => {
    try {
      deps.keys.require(req.headers.authorization, 'read')
      const asked = req.query.version
      if (asked !== undefined && (typeof asked !== 'string' || asked === '')) throw new HttpError(400, 'invalid_version', 'version must be one model version (a model_version of model_fits), given once')
      const model = await readChurnModel(deps.client, asked ?? '')
      if (!model) {
        if (asked) throw new HttpError(404, 'unknown_churn_model', `no churn model has version ${JSON.stringify(asked.slice(0, 200))}: leave version out for the latest, or pick one of the version column of the churn_models table`)
        throw new HttpError(404, 'no_churn_model', 'no churn model has been fitted yet: it is fitted after each value-model refit (POST /api/ltv/refresh with an admin key, or every --ltv-refresh-minutes) once customers have purchases')
      }
      return reply.send({ churn_model: churnModelBody(model) })
    } catch (e) {
      if (!(e instanceof HttpError)) throw e
      return reply.code(e.status).send(e.body())
    }
  })
}
