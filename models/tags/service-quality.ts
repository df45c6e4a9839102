// Complaint deadlines and SLA breaches (p-context: "an open complaint past its deadline: 2 h for
// `major`, 24 h for `normal`"). Severities other than `major` get the normal deadline, so a typo
// in a severity never makes a complaint look urgent or exempt.
import type { OpenComplaint, PersonFeatures } from './person-features.ts'
import type { TagSettings } from './tag-settings.ts'

const HOUR_MS = 3_600_000

/** The time by which a complaint filed at `filedAt` must be resolved. */
export function complaintDeadline(filedAt: number, severity: string, settings: TagSettings): number {
  const hours = severity.trim().toLowerCase() === 'major' ? settings.sla.majorHours : settings.sla.normalHours
  return filedAt + hours * HOUR_MS
}

/** Breached from the deadline on: the whole allowed time has passed without a resolution. */
export function isBreached(complaint: Pick<OpenComplaint, 'filedAt' | 'severity'>, settings: TagSettings, now: number): boolean {
  return now >= complaintDeadline(complaint.filedAt, complaint.severity, settings)
}

/** The person's open complaints past their deadline, oldest deadline first. */
export function breachedComplaints(features: Pick<PersonFeatures, 'openComplaints'>, settings: TagSettings, now: number): OpenComplaint[] {
  return features.openComplaints
    .filter((c) => isBreached(c, settings, now))
    .map((c) => ({ ...c, deadline: complaintDeadline(c.filedAt, c.severity, settings) }))
    .sort((a, b) => a.deadline - b.deadline)
}
