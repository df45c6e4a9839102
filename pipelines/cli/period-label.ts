// A period's start as the analysis tables print it: the day (2026-02-09) for days and weeks, the
// month (2026-02) for months.
export function periodLabel(isoStart: string, unit: string): string {
  return unit === 'month' ? isoStart.slice(0, 7) : isoStart.slice(0, 10)
}
