// Versions of stored profile and tag states: larger than every earlier one, also across restarts
// (wall-clock microseconds, bumped when two calls share one), never the business clock, which
// `--now` may fix or move backwards.

let last = 0

export function nextStateVersion(wallMs: number = Date.now()): number {
  const v = Math.max(last + 1, Math.floor(wallMs * 1000))
  last = v
  return v
}
