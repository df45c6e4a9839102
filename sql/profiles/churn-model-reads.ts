// The stored churn models (churn_models, 012_churn_models.sql): one card per value-fit version.
import type { ClickHouseClient } from '@clickhouse/client'
import type { ChurnCard } from '../../models/churn/churn-card.ts'
import { namedQuery } from '../named-query.ts'

export interface StoredChurnModel {
  version: string
  fittedAt: number
  asOf: number
  card: ChurnCard
}

/** The model of `version`, or the latest one when `version` is empty; null when there is none. */
export async function readChurnModel(client: ClickHouseClient, version = ''): Promise<StoredChurnModel | null> {
  const [row] = await namedQuery<{ version: string; fitted_at: number; as_of: number; card: string }>(client, 'churn_model', { version })
  if (!row) return null
  return { version: row.version, fittedAt: Number(row.fitted_at), asOf: Number(row.as_of), card: JSON.parse(row.card) as ChurnCard }
}
