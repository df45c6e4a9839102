// Alerts raised on pulse.alerts.<kind>. The churn early warning fires before churn_risk (30 days
// silent) could: the last 7 days' activity falls under 30% of the person's own weekly baseline
// (the 8 weeks before), for a person whose baseline is at least 2 events a week, so a person who
// was always quiet never triggers it. The SLA alert fires for each open complaint past its
// deadline; its time is the deadline, so raising it again for the same complaint yields the same
// alert (the alerts table keeps one row per kind, person and time).
import type { PersonFeatures } from './person-features.ts'
import { breachedComplaints } from './service-quality.ts'
import type { Alert } from './tag-change.ts'
import type { TagSettings } from './tag-settings.ts'

const HOUR_MS = 3_600_000

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** The churn warning when it holds at `now`, else null. The caller raises it when it starts holding. */
export function churnWarning(f: Pick<PersonFeatures, 'personId' | 'ids' | 'activity7d' | 'activityBaselineWeekly'>, settings: TagSettings, now: number): Alert | null {
  const { dropShare, minBaselineWeekly } = settings.churnWarning
  const baseline = f.activityBaselineWeekly
  if (baseline < minBaselineWeekly || f.activity7d / baseline >= dropShare) return null
  return {
    kind: 'churn',
    personId: f.personId,
    ids: f.ids,
    at: now,
    message: `activity fell to ${plural(f.activity7d, 'event')} in 7 days from ${Math.round(baseline * 10) / 10} a week`,
    reason: { activity7d: f.activity7d, activityBaselineWeekly: baseline, dropShare, minBaselineWeekly },
  }
}

/** One SLA alert per open complaint past its deadline. */
export function slaAlerts(f: Pick<PersonFeatures, 'personId' | 'ids' | 'openComplaints'>, settings: TagSettings, now: number): Alert[] {
  return breachedComplaints(f, settings, now).map((c) => ({
    kind: 'sla',
    personId: f.personId,
    ids: f.ids,
    at: c.deadline,
    message: `complaint ${c.complaintId} (${c.severity}) is unresolved ${Math.floor((now - c.filedAt) / HOUR_MS)} h after filing, past its ${(c.deadline - c.filedAt) / HOUR_MS} h deadline`,
    reason: { complaintId: c.complaintId, severity: c.severity, filedAt: c.filedAt, deadline: c.deadline },
  }))
}
