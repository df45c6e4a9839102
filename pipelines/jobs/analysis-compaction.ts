// Compacting the analysis table (`pulse compact`, POST /api/events/compact): after an import of
// per-customer histories every part of events_by_day spans the whole history, and every range
// read with FINAL (funnels, retention, lifecycle, paths, stickiness) merges all of them; merged
// into one part, a read takes its range as it lies (README, "Importing history"). It runs on an
// engine session of its own, so the processor's inserts go on beside it; one at a time.
import { readAnalysisLayout, type AnalysisLayout } from '../../sql/analytics/analysis-table-layout.ts'
import type { ClickHouse } from '../../sql/clickhouse-client.ts'
import { query } from '../../sql/sql-files.ts'

export interface CompactionSummary {
  before: AnalysisLayout
  after: AnalysisLayout
  seconds: number
}

export class CompactionBusy extends Error {
  constructor() {
    super('a compaction is running already: wait for it to end')
  }
}

export class AnalysisCompaction {
  private session: Promise<Pick<ClickHouse, 'client'>> | null = null
  private running = false

  constructor(private readonly ch: Pick<ClickHouse, 'writeSession'>) {}

  async run(): Promise<CompactionSummary> {
    if (this.running) throw new CompactionBusy()
    this.running = true
    try {
      this.session ??= this.ch.writeSession()
      const { client } = await this.session
      const started = performance.now()
      const before = await readAnalysisLayout(client)
      await client.command({ query: query('compact_analysis_table'), clickhouse_settings: { optimize_throw_if_noop: 0 } })
      const after = await readAnalysisLayout(client)
      return { before, after, seconds: (performance.now() - started) / 1000 }
    } finally {
      this.running = false
    }
  }
}
