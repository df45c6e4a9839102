// The persons, time-to-convert histogram and conversion over time of a funnel (README, "Funnels"),
// from the brute-force reference (funnel-reference.ts): the persons of a step are read off each
// person's furthest step, and each period of the over-time answer is the reference funnel run
// again with the range cut to that period.
import type { FunnelRequest } from '../../models/analytics/funnel-request.ts'
import { quantile, referenceFunnel, referenceResults, type ReferenceEvent } from './funnel-reference.ts'

export function referencePersons(req: FunnelRequest, events: ReferenceEvent[], status: 'dropped' | 'converted', step: number): Array<{ person: string; entered_at: string }> {
  return referenceResults(req, events)
    .filter((r) => (status === 'dropped' ? r.level === step + 1 : r.level >= step + 1))
    .map((r) => ({ person: r.person, entered_at: new Date(r.entryTs).toISOString() }))
}

export function referenceHistogram(req: FunnelRequest, events: ReferenceEvent[]) {
  const { fromStep, toStep, bins } = req.histogram!
  const times = referenceResults(req, events)
    .filter((r) => r.level > toStep)
    .map((r) => r.pathTs[toStep] - r.pathTs[fromStep])
    .sort((a, b) => a - b)
  const base = { from_step: fromStep, to_step: toStep, persons: times.length }
  if (times.length === 0) return { ...base, median_seconds: null, bins: [] }
  const lo = times[0]
  const hi = times[times.length - 1]
  const median_seconds = quantile(times, 0.5) / 1000
  if (lo === hi) return { ...base, median_seconds, bins: [{ lower_seconds: lo / 1000, upper_seconds: hi / 1000, persons: times.length }] }
  // Bin i: the times at or past its lower edge and below the next one (the last bin keeps the longest), compared exactly in whole numbers.
  const atOrPast = (t: number, i: number) => (t - lo) * bins >= (hi - lo) * i
  const list = Array.from({ length: bins }, (_, i) => ({
    lower_seconds: (lo + ((hi - lo) * i) / bins) / 1000,
    upper_seconds: (lo + ((hi - lo) * (i + 1)) / bins) / 1000,
    persons: times.filter((t) => atOrPast(t, i) && (i === bins - 1 || !atOrPast(t, i + 1))).length,
  }))
  return { ...base, median_seconds, bins: list }
}

export function referenceOverTime(req: FunnelRequest, events: ReferenceEvent[], nowMs: number) {
  const interval = req.interval!
  const DAY = 86_400_000
  const length = interval === 'day' ? DAY : 7 * DAY
  // The period holding `from`: days from 00:00 UTC, weeks from Monday (1970-01-05 was one).
  const monday = 4 * DAY
  const first = req.fromMs - ((((req.fromMs - (interval === 'day' ? 0 : monday)) % length) + length) % length)
  const periods = []
  for (let p = first; p < req.toMs; p += length) {
    const cut = { ...req, breakdown: null, histogram: null, interval: null, fromMs: Math.max(p, req.fromMs), toMs: Math.min(p + length, req.toMs) }
    const answer = referenceFunnel(cut, events, nowMs)
    const entered = answer.steps[0].persons
    const converted = answer.steps[req.steps.length - 1].persons
    periods.push({ period_start: new Date(p).toISOString(), entered, converted, conversion: entered === 0 ? 0 : converted / entered, incomplete: answer.incomplete })
  }
  return { interval, periods }
}
