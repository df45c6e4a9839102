// The stickiness rules of the README ("Stickiness") written out plainly for the property test:
// calendar days walked one by one with Date, not unit numbers.
import type { StickinessRequest } from '../../models/analytics/stickiness-request.ts'

export interface StickinessEvent {
  person: string
  event: string
  ts: number
  properties: Record<string, unknown>
}

const DAY = 86_400_000
const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10)
/** The Monday of the day's week, as YYYY-MM-DD. */
const weekText = (ms: number) => dayText(ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY)
const monthText = (ms: number) => new Date(ms).toISOString().slice(0, 7)
const unitOf = { day: dayText, week: weekText, month: monthText }

/** The answer of POST /api/stickiness; `passes` says whether an event passes the request's filters. */
export function referenceStickiness(request: StickinessRequest, events: StickinessEvent[], passes: (e: StickinessEvent) => boolean) {
  const unit = unitOf[request.period]
  // The intervals: walk every ms day start of the range, grouping by the interval's label.
  const bounds: Array<{ label: string; from: number; to: number }> = []
  for (let t = request.fromMs; t < request.toMs; t = Math.min(request.toMs, Math.floor(t / DAY) * DAY + DAY)) {
    const label = request.interval === null ? 'all' : unitOf[request.interval](t)
    const end = Math.min(request.toMs, Math.floor(t / DAY) * DAY + DAY)
    if (bounds.length && bounds[bounds.length - 1].label === label) bounds[bounds.length - 1].to = end
    else bounds.push({ label, from: t, to: end })
  }
  const intervals = bounds.map((b) => {
    const units = new Set<string>()
    for (let t = b.from; t < b.to; t = Math.floor(t / DAY) * DAY + DAY) units.add(unit(t))
    const active = new Map<string, Set<string>>()
    for (const e of events) {
      if (e.event !== request.event || e.ts < b.from || e.ts >= b.to || !passes(e)) continue
      active.set(e.person, (active.get(e.person) ?? new Set()).add(unit(e.ts)))
    }
    const persons = active.size
    return {
      from: new Date(b.from).toISOString(),
      to: new Date(b.to).toISOString(),
      units: units.size,
      persons,
      counts: Array.from({ length: units.size }, (_, i) => {
        const n = [...active.values()].filter((s) => s.size === i + 1).length
        return { n: i + 1, persons: n, share: persons === 0 ? 0 : n / persons }
      }),
    }
  })
  return { event: request.event, period: request.period, interval: request.interval, intervals }
}
