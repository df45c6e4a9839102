// Saved audience definitions (sql/migrations/013_audiences.sql): create or replace, list, delete.
// Writes of one Pulse are serialised, so each revision is one above the stored newest.
import type { ClickHouseClient } from '@clickhouse/client'
import type { AudienceDefinition } from '../../models/tags/audience-definition.ts'
import { engineTimeText } from '../engine-time-text.ts'
import { insertJsonRows } from '../json-rows-insert.ts'
import { namedQuery } from '../named-query.ts'
import { query } from '../sql-files.ts'

export interface SavedAudience {
  definition: AudienceDefinition
  /** Epoch ms. */
  createdAt: number
  updatedAt: number
  /** 1 for the first definition under this name, one more for each replacement. */
  version: number
}

interface DefinitionRow {
  name: string
  definition: string
  created_at: number
  updated_at: number
  version: number
}

interface RevisionRow {
  version: number
  deleted: number
  created_at: number
}

export class AudienceStore {
  private writes: Promise<unknown> = Promise.resolve()

  constructor(private readonly client: ClickHouseClient) {}

  async list(): Promise<SavedAudience[]> {
    return (await namedQuery<DefinitionRow>(this.client, 'audience_definitions', { name: '' })).map(saved)
  }

  async get(name: string): Promise<SavedAudience | undefined> {
    const [row] = await namedQuery<DefinitionRow>(this.client, 'audience_definitions', { name })
    return row && saved(row)
  }

  /** Creates the audience, or replaces its definition (keeping its creation time); `created` says which. */
  save(definition: AudienceDefinition, now: number): Promise<{ audience: SavedAudience; created: boolean }> {
    return this.serial(async () => {
      const [previous] = await namedQuery<RevisionRow>(this.client, 'audience_revision', { name: definition.name })
      const exists = previous !== undefined && Number(previous.deleted) === 0
      const audience: SavedAudience = {
        definition,
        createdAt: exists ? Number(previous.created_at) : now,
        updatedAt: now,
        version: (previous ? Number(previous.version) : 0) + 1,
      }
      await insertJsonRows(this.client, 'audiences', [row(audience, 0)])
      return { audience, created: !exists }
    })
  }

  /** False when there is no such audience. Its membership log and syncs go with it. */
  delete(name: string, now: number): Promise<boolean> {
    return this.serial(async () => {
      const current = await this.get(name)
      if (!current) return false
      await insertJsonRows(this.client, 'audiences', [row({ ...current, updatedAt: now, version: current.version + 1 }, 1)])
      for (const statement of ['audience_forget_syncs', 'audience_forget_moves']) {
        await this.client.command({ query: query(statement), query_params: { audience: name } })
      }
      return true
    })
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work)
    this.writes = result.catch(() => {})
    return result
  }
}

function saved(r: DefinitionRow): SavedAudience {
  return { definition: JSON.parse(r.definition) as AudienceDefinition, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), version: Number(r.version) }
}

function row(a: SavedAudience, deleted: number): Record<string, unknown> {
  return {
    name: a.definition.name,
    definition: JSON.stringify(a.definition),
    created_at: engineTimeText(a.createdAt),
    updated_at: engineTimeText(a.updatedAt),
    version: a.version,
    deleted,
  }
}
