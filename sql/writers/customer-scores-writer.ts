// Customer scores encoded as one TabSeparated body in SCORE_COLUMNS order, for the insert through
// ClickHouse.insertTabSeparated (a spooled file on the embedded engine, a request body on a server).
import type { ChurnScore } from '../../models/churn/churn-bands.ts'
import type { CustomerScore } from '../../models/value/customer-scoring.ts'
import type { TabSeparatedTarget } from '../clickhouse-client.ts'
import { tsvNullable as nullable, tsvText as text, tsvTime as timeText } from './tsv-fields.ts'

export const SCORE_COLUMNS = [
  'customer', 'model_version', 'fitted_at', 'frequency', 'recency', 'age', 'monetary', 'expected_purchases', 'p_alive',
  'expected_spend', 'clv', 'r_score', 'f_score', 'm_score', 'tier', 'churn_probability', 'churn_percentile', 'churn_band',
] as const

export const SCORES_TARGET: TabSeparatedTarget = { table: 'customer_scores', columns: SCORE_COLUMNS, fileStatement: 'insert_customer_scores_from_file' }

/** `churn`: each customer's churn score; customers without one (or no map) get NULLs. */
export function encodeScores(scores: readonly CustomerScore[], modelVersion: string, fittedAtMs: number, churn?: ReadonlyMap<string, ChurnScore>): Uint8Array {
  const head = `${text(modelVersion)}\t${timeText(Math.round(fittedAtMs))}\t`
  const churnFields = (customer: string) => {
    const c = churn?.get(customer)
    return c ? `${c.probability}\t${c.percentile}\t${c.band}` : '\\N\t\\N\t\\N'
  }
  const lines = scores.map((s) =>
    `${text(s.customer)}\t${head}${s.frequency}\t${s.recency}\t${s.age}\t${s.monetary}\t${s.expected_purchases}\t${s.p_alive}\t${nullable(s.expected_spend)}\t${nullable(s.clv)}\t${s.r_score}\t${s.f_score}\t${s.m_score}\t${s.tier}\t${churnFields(s.customer)}\n`)
  return Buffer.from(lines.join(''))
}
