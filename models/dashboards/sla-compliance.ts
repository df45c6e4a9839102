// Complaint SLA compliance per severity from the complaint records of the service API: a complaint
// breaches when it was resolved after its deadline or is still open past it (the profiles
// config's tags.sla); compliance is the share of complaints that did not breach.
export interface ComplaintOutcome {
  severity: string
  breached: boolean
  resolved_at: string | null
}

export interface SeverityCompliance {
  severity: string
  complaints: number
  resolved_in_time: number
  open_in_time: number
  breached: number
  /** % of complaints not breached, one decimal. */
  compliance_pct: number
}

/** Severities as the deadline rule reads them (case and spaces do not matter); blank is "unspecified". */
function severityName(text: string): string {
  return text.trim().toLowerCase() || 'unspecified'
}

export function complianceBySeverity(records: readonly ComplaintOutcome[]): SeverityCompliance[] {
  const bySeverity = new Map<string, SeverityCompliance>()
  for (const r of records) {
    const severity = severityName(r.severity)
    let row = bySeverity.get(severity)
    if (!row) bySeverity.set(severity, (row = { severity, complaints: 0, resolved_in_time: 0, open_in_time: 0, breached: 0, compliance_pct: 0 }))
    row.complaints++
    if (r.breached) row.breached++
    else if (r.resolved_at === null) row.open_in_time++
    else row.resolved_in_time++
  }
  return [...bySeverity.values()]
    .map((r) => ({ ...r, compliance_pct: Math.round((1000 * (r.complaints - r.breached)) / r.complaints) / 10 }))
    .sort((a, b) => a.severity.localeCompare(b.severity))
}
