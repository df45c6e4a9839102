// The freshness line of every page: how long before the clock's now the newest stored event
// happened, so a reader knows whether the pages show the latest data or a stale copy.
const MINUTE_MS = 60_000

function span(ms: number): string {
  const minutes = Math.round(ms / MINUTE_MS)
  if (minutes < 1) return 'under a minute'
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} hours`
  return `${Math.round(hours / 24)} days`
}

export function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}

export function freshnessText(newestEventMs: number | null, nowMs: number): string {
  if (newestEventMs === null) return 'no event stored yet'
  const lag = nowMs - newestEventMs
  if (lag < 0) return `newest event ${utcMinute(newestEventMs)}, ${span(-lag)} after now (a future-dated event)`
  return `newest event ${utcMinute(newestEventMs)}, ${span(lag)} before now`
}
