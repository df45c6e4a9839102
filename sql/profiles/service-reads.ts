// Service quality read from the feature facts: complaint records with deadline, resolution time
// and breach flag, and NPS per period.
import type { ClickHouseClient } from '@clickhouse/client'
import { namedQuery } from '../named-query.ts'

export interface ComplaintRecord {
  person_id: string
  complaint_id: string
  severity: string
  filed_at: string
  deadline: string
  resolved_at: string | null
  resolution_hours: number | null
  breached: boolean
}

export interface NpsPeriod {
  period_start: string
  answers: number
  promoters: number
  passives: number
  detractors: number
  nps: number
}

const iso = (ms: number) => new Date(ms).toISOString()

export async function readComplaintRecords(
  client: ClickHouseClient,
  range: { from: number; to: number; now: number; limit: number },
  deadlines: { majorMs: number; normalMs: number },
): Promise<ComplaintRecord[]> {
  const rows = await namedQuery<{ person_id: string; complaint_id: string; severity: string; filed_at: number; deadline: number; resolved_at: number | null; resolution_hours: number | null; breached: number }>(
    client,
    'complaint_records',
    { ...range, major_ms: deadlines.majorMs, normal_ms: deadlines.normalMs },
  )
  return rows.map((r) => ({
    person_id: r.person_id,
    complaint_id: r.complaint_id,
    severity: r.severity,
    filed_at: iso(Number(r.filed_at)),
    deadline: iso(Number(r.deadline)),
    resolved_at: r.resolved_at === null ? null : iso(Number(r.resolved_at)),
    resolution_hours: r.resolution_hours === null ? null : Number(r.resolution_hours),
    breached: Number(r.breached) === 1,
  }))
}

export async function readNpsByPeriod(
  client: ClickHouseClient,
  range: { from: number; to: number; period: 'day' | 'week' | 'month' },
  bands: { promoterMin: number; passiveMin: number },
): Promise<NpsPeriod[]> {
  const rows = await namedQuery<NpsPeriod>(client, 'nps_by_period', { ...range, promoter_min: bands.promoterMin, passive_min: bands.passiveMin })
  return rows.map((r) => ({ period_start: r.period_start, answers: Number(r.answers), promoters: Number(r.promoters), passives: Number(r.passives), detractors: Number(r.detractors), nps: Number(r.nps) }))
}
